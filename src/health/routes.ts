import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { problemResponses } from "../http/openapi";
import { pingDatabase } from "./store";

const HealthSchema = z
  .object({
    status: z.literal("ok"),
    database: z.literal("ok"),
  })
  .openapi("Health");

const LivenessSchema = z.object({ status: z.literal("ok") }).openapi("Liveness");

const liveRoute = createRoute({
  method: "get",
  path: "/api/health/live/",
  tags: ["Operations"],
  summary: "Liveness only",
  description:
    "200 while the Worker runs; touches neither the database nor the rate limiter (for probes and as the benchmark baseline).",
  responses: {
    200: { description: "Alive", content: { "application/json": { schema: LivenessSchema } } },
  },
});

const route = createRoute({
  method: "get",
  path: "/api/health/",
  tags: ["Operations"],
  summary: "Liveness and database reachability",
  description: "200 when the API and its database answer; 503 problem+json when the database is unreachable.",
  responses: {
    200: { description: "Healthy", content: { "application/json": { schema: HealthSchema } } },
    ...problemResponses(503),
  },
});

export function registerHealth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(liveRoute, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(route, async (c) => {
    await pingDatabase(database(c.env));
    return c.json({ status: "ok" as const, database: "ok" as const }, 200);
  });
}
