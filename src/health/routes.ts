import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { jsonResponse, routeResponses } from "../http/openapi";
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
  operationId: "getLiveness",
  tags: ["Operations"],
  security: [{}],
  summary: "Liveness only",
  description:
    "Anyone. 200 while the Worker runs; touches neither the database nor the rate limiter (for probes and as " +
    "the benchmark baseline). Not throttled.",
  responses: routeResponses({ 200: jsonResponse("Alive", LivenessSchema) }, { problems: [] }),
});

const route = createRoute({
  method: "get",
  path: "/api/health/",
  operationId: "getHealth",
  tags: ["Operations"],
  security: [{}],
  summary: "Liveness and database reachability",
  description:
    "Anyone. 200 when the API and its database answer; 503 problem+json when the database is unreachable. " +
    "Not throttled.",
  responses: routeResponses({ 200: jsonResponse("Healthy", HealthSchema) }, { problems: [503] }),
});

export function registerHealth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(liveRoute, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(route, async (c) => {
    await pingDatabase(database(c.env));
    return c.json({ status: "ok" as const, database: "ok" as const }, 200);
  });
}
