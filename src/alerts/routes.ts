import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { authenticate, authorize } from "../auth/middleware";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonResponse, patchRequestBody, routeResponses } from "../http/openapi";
import { pageRequest, paginate } from "../http/pagination";
import { IdParamSchema } from "../http/params";
import { AlertFiltersSchema, AlertPageSchema, AlertSchema, AlertUpdateSchema } from "./schemas";
import { changeAlertStatus, findAlert, listAlerts } from "./store";

const tags = ["Alerts"];
const security = [{ bearerAuth: [] }];

const listRoute = createRoute({
  method: "get",
  path: "/api/alerts/",
  operationId: "listAlerts",
  tags,
  security,
  summary: "List alerts, newest first",
  description:
    "Admins, analysts and API keys with `read`. `event__severity` and its alias `severity` filter on the event's severity (both given " +
    "and different: 400). Page-number pagination as DRF's; a page past the end is 404. Unknown query parameters " +
    "are ignored. Throttled per principal (scope `read`).",
  middleware: [authenticate(), authorize("alerts:read")] as const,
  request: { query: AlertFiltersSchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of alerts", AlertPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const getRoute = createRoute({
  method: "get",
  path: "/api/alerts/{id}/",
  operationId: "getAlert",
  tags,
  security,
  summary: "Read one alert, with its event",
  description:
    "Admins, analysts and API keys with `read`. A malformed or unknown id is 404. Throttled per principal (scope `read`).",
  middleware: [authenticate(), authorize("alerts:read")] as const,
  request: { params: IdParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The alert", AlertSchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

const patchRoute = createRoute({
  method: "patch",
  path: "/api/alerts/{id}/",
  operationId: "updateAlert",
  tags,
  security,
  summary: "Move an alert through its lifecycle",
  description:
    "Admin only. Any status but Resolved may move to any other; Resolved is terminal (409, alert unchanged), " +
    "also under concurrent requests. Asking for the current status is a 200 no-op (updated_at unchanged). " +
    "`acknowledged_at` is set the first time the alert leaves Open; `resolved_at` when it is resolved. " +
    "The body may be sent as `application/merge-patch+json` (RFC 7396). Throttled per principal (scope `write`).",
  middleware: [authenticate(), authorize("alerts:update"), jsonBody()] as const,
  request: {
    params: IdParamSchema,
    body: patchRequestBody(AlertUpdateSchema),
  },
  responses: routeResponses(
    { 200: jsonResponse("The alert as it now is", AlertSchema) },
    { problems: [400, 401, 403, 404, 409, 413, 415, 503], throttle: "write" },
  ),
});

/** Alerts are raised by ingest only: no POST, PUT or DELETE is registered, so those answer 405. */
export function registerAlerts(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const page = pageRequest(query);
    const { count, results } = await listAlerts(database(c.env), query, page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getRoute, async (c) => {
    const alert = await findAlert(database(c.env), c.req.valid("param").id);
    if (!alert) throw new ApiError("NOT_FOUND", "No alert with this id.");
    return c.json(alert, 200);
  });

  app.openapi(patchRoute, async (c) => {
    const { status } = c.req.valid("json");
    const result = await changeAlertStatus(database(c.env), c.req.valid("param").id, status);
    switch (result.outcome) {
      case "missing":
        throw new ApiError("NOT_FOUND", "No alert with this id.");
      case "terminal":
        throw new ApiError(
          "CONFLICT",
          `This alert is ${result.alert.status}, which is final: it cannot move to ${status}.`,
        );
      default:
        return c.json(result.alert, 200);
    }
  });
}
