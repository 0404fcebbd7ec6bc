import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { authenticate, authorize } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { jsonResponse, routeResponses } from "../http/openapi";
import { pageRequest, paginate } from "../http/pagination";
import { AuditFiltersSchema, AuditPageSchema } from "./schemas";
import { listAudit } from "./store";

const listAuditRoute = createRoute({
  method: "get",
  path: "/api/audit/",
  operationId: "listAudit",
  tags: ["Audit"],
  security: [{ bearerAuth: [] }],
  summary: "The audit log, newest first",
  description:
    `${whoMay("audit:read")} Every change to users (created, role changed, deactivated, reactivated, password ` +
    "reset), API keys (created, revoked) and webhooks (created, deleted, a delivery retried), through the API or " +
    "the CLI: who, what, on what, when. Each entry is written by the statement that made the change. Filters (all " +
    "must hold): `action`, `actor_type`, `actor_id` (what one admin did), `target_type` and `target_id` (the history " +
    "of one user, key or webhook), `after` and `before`. Page-number pagination. Throttled (scope `read`).",
  middleware: [authenticate(), authorize("audit:read")] as const,
  request: { query: AuditFiltersSchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of the audit log", AuditPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

export function registerAudit(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listAuditRoute, async (c) => {
    const query = c.req.valid("query");
    const page = pageRequest(query);
    const { count, results } = await listAudit(database(c.env), query, page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });
}
