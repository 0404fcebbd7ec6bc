import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { authenticate, authorize, requirePermission } from "../auth/middleware";
import { changePermission, whoMay } from "../auth/permissions";
import { database } from "../db/database";
import { type AppEnv, getConfig } from "../env";
import { cursorPage, cursorRequest } from "../http/cursor";
import { ApiError } from "../http/errors";
import { etagOf, expectedVersion, notModified } from "../http/etag";
import { jsonBody } from "../http/json-body";
import { headerRefs, jsonResponse, linkTo, patchRequestBody, routeResponses } from "../http/openapi";
import { pageRequest, paginate } from "../http/pagination";
import { IdParamSchema } from "../http/params";
import { fieldError } from "../http/validation";
import { publish } from "../push/publisher";
import { unknownAssignee } from "./assignee";
import { changeAlerts } from "./changes";
import { actorOf } from "./history";
import { terminalDetail } from "./lifecycle";
import { AlertCursorPageSchema, AlertFiltersSchema, AlertPageSchema, AlertSchema, AlertUpdateSchema } from "./schemas";
import { type AlertQuery, findAlert, listAlerts, listAlertsByCursor } from "./store";

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
    `${whoMay("alerts:read")} ` +
    "`event__severity` and its alias `severity` filter on the alert's " +
    "severity (both given and different: 400); `assignee` takes `me`, `none` or a username. Page-number " +
    "pagination as DRF's (a page past the end is 404), or with `cursor` keyset pagination without a count. " +
    "Unknown query parameters are ignored. Throttled per principal (scope `read`).",
  middleware: [authenticate(), authorize("alerts:read")] as const,
  request: { query: AlertFiltersSchema },
  responses: routeResponses(
    {
      200: jsonResponse(
        "A page of alerts (by number, or by cursor)",
        z.union([AlertPageSchema, AlertCursorPageSchema]),
        {
          headers: headerRefs("Link"),
        },
      ),
    },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

/** A conditional request header (RFC 9110, section 13): any field value is taken, as etag.ts reads it. */
function preconditionHeader(name: string, description: string) {
  return z
    .string()
    .max(1024)
    .optional()
    .openapi({ param: { name, in: "header" }, pattern: String.raw`^[\t\x20-\x7e\x80-\xff]*$`, description });
}

/** What an alert leads to: its triage timeline. */
const TIMELINE_LINKS = {
  events: linkTo("listAlertEvents", "The events grouped into it"),
  notes: linkTo("listAlertNotes", "Its notes"),
  addNote: linkTo("addAlertNote", "Add a note to it"),
  history: linkTo("listAlertHistory", "Its history"),
};

const getRoute = createRoute({
  method: "get",
  path: "/api/alerts/{id}/",
  operationId: "getAlert",
  tags,
  security,
  summary: "Read one alert, with the event that opened it",
  description:
    `${whoMay("alerts:read")} ` +
    "A malformed or unknown id is 404. The `ETag` changes whenever " +
    "anything in the alert does; with a matching `If-None-Match` the answer is 304 without a body. Throttled per " +
    "principal (scope `read`).",
  middleware: [authenticate(), authorize("alerts:read")] as const,
  request: {
    params: IdParamSchema,
    headers: z.object({
      "If-None-Match": preconditionHeader(
        "If-None-Match",
        "`*` or ETags (comma-separated, `W/` ignored): 304 when one is the alert's; any other value is a 200",
      ),
    }),
  },
  responses: routeResponses(
    {
      200: jsonResponse("The alert", AlertSchema, { headers: headerRefs("ETag"), links: TIMELINE_LINKS }),
      304: { description: "Not modified: the alert still has the ETag sent", headers: headerRefs("ETag") },
    },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

const patchRoute = createRoute({
  method: "patch",
  path: "/api/alerts/{id}/",
  operationId: "updateAlert",
  tags,
  security,
  summary: "Move an alert through its lifecycle, (un)assign it, or snooze it",
  description:
    `${whoMay("alerts:update")} ${whoMay("alerts:snooze").replace(/\.$/, "")} may snooze: a body with only ` +
    "`snoozed_until` (in the future, at most 7 days ahead; null wakes it) is triage, anything else from an analyst is " +
    "403. A snoozed alert is hidden from status-filtered lists unless `snoozed` is asked, and events grouped into " +
    "it push nothing until it wakes: when the time passes, when it is cleared or resolved, or when a grouped event " +
    "raises its severity; each snooze and wake-up is in its history. A Resolved alert cannot be snoozed (409). " +
    "`status` and/or `assignee` (the username of an active user, or null; unknown or inactive: 400). " +
    "Any status but Resolved may move to any other; Resolved is terminal (409, alert unchanged), also under " +
    "concurrent requests. A request that changes nothing is a 200 no-op (nothing recorded, `updated_at` and ETag " +
    "unchanged). `acknowledged_at` is set the first time the alert leaves Open; `resolved_at` when it is resolved. " +
    "With `If-Match`, a stale ETag is 412 and the alert unchanged. Every change is recorded in the alert's history " +
    "by the same statement. The body may be sent as `application/merge-patch+json` (RFC 7396). Throttled per " +
    "principal (scope `write`).",
  middleware: [authenticate(), authorize("alerts:snooze"), jsonBody()] as const,
  request: {
    params: IdParamSchema,
    headers: z.object({
      "If-Match": preconditionHeader(
        "If-Match",
        "`*` or the alert's ETag: any other value (a stale or weak tag, a list, a version past 2147483647, garbage) " +
          "is 412, alert unchanged",
      ),
    }),
    body: patchRequestBody(AlertUpdateSchema),
  },
  responses: routeResponses(
    { 200: jsonResponse("The alert as it now is", AlertSchema, { headers: headerRefs("ETag") }) },
    { problems: [400, 401, 403, 404, 409, 412, 413, 415, 503], throttle: "write" },
  ),
});

/** `assignee=me` means the caller, which only a person can be. */
function resolveAssignee(c: Context<AppEnv>, query: AlertQuery): AlertQuery {
  if (query.assignee !== "me") return query;
  const principal = c.get("principal");
  if (principal.type !== "user") {
    throw fieldError("query", "assignee", "`me` names a user; an API key has no alerts of its own.");
  }
  return { ...query, assignee: principal.name };
}

/** Alerts are raised by ingest only: no POST, PUT or DELETE is registered, so those answer 405. */
export function registerAlerts(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const filters = resolveAssignee(c, query);
    const secret = getConfig(c.env).JWT_SECRET;
    const list = { list: "alerts", query };
    const cursor = await cursorRequest(secret, list);
    if (cursor) {
      const rows = await listAlertsByCursor(database(c.env), filters, cursor);
      const { body, link } = await cursorPage(secret, c.req.url, list, cursor, rows);
      if (link) c.header("Link", link);
      return c.json(body, 200);
    }
    const page = pageRequest(query);
    const { count, results } = await listAlerts(database(c.env), filters, page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getRoute, async (c) => {
    const found = await findAlert(database(c.env), c.req.valid("param").id);
    if (!found) throw new ApiError("NOT_FOUND", "No alert with this id.");
    c.header("ETag", etagOf(found.version));
    if (notModified(c.req.header("If-None-Match"), found.version)) return c.body(null, 304);
    return c.json(found.alert, 200);
  });

  app.openapi(patchRoute, async (c) => {
    const change = c.req.valid("json");
    requirePermission(c, changePermission(change));
    const expected = expectedVersion(c.req.header("If-Match"));
    const outcome = await changeAlerts(
      database(c.env),
      [c.req.valid("param").id],
      change,
      actorOf(c.get("principal")),
      expected === "never" ? -1 : expected,
    );
    if (outcome.outcome === "unknown_assignee") throw unknownAssignee();
    publish(c, outcome.out);
    const [result] = outcome.results;
    if (!result || result.outcome === "missing") throw new ApiError("NOT_FOUND", "No alert with this id.");
    c.header("ETag", etagOf(result.version));
    if (result.outcome === "stale") {
      throw new ApiError("PRECONDITION_FAILED", "The alert changed since it was read (If-Match); read it again.");
    }
    if (result.outcome === "terminal") {
      throw new ApiError("CONFLICT", terminalDetail(change.status));
    }
    return c.json(result.alert, 200);
  });
}
