import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { authenticate, authorize, requirePermission } from "../auth/middleware";
import { changePermission, whoMay } from "../auth/permissions";
import { database } from "../db/database";
import { retryOnConflict } from "../db/retry";
import type { AppEnv } from "../env";
import { EventPageSchema } from "../events/schemas";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, routeResponses } from "../http/openapi";
import { PageQuerySchema, pageRequest, pageSchema, paginate } from "../http/pagination";
import { IdParamSchema } from "../http/params";
import { publish } from "../push/publisher";
import { unknownAssignee } from "./assignee";
import { changeAlerts } from "./changes";
import { actorOf } from "./history";
import { terminalDetail } from "./lifecycle";
import {
  BulkRequestSchema,
  BulkResultSchema,
  HistoryEntrySchema,
  MAX_BULK_IDS,
  NoteCreateSchema,
  NoteSchema,
  StatsQuerySchema,
  StatsSchema,
} from "./schemas";
import { alertStats } from "./stats";
import { addNote, listAlertEvents, listHistory, listNotes } from "./timeline";

/** Triage (contract sections 11 and 12): bulk actions, notes, history, an alert's events, stats. */
const tags = ["Triage"];
const security = [{ bearerAuth: [] }];
const NotePageSchema = pageSchema(NoteSchema, "NotePage");
const HistoryPageSchema = pageSchema(HistoryEntrySchema, "HistoryPage");
const noSuchAlert = () => new ApiError("NOT_FOUND", "No alert with this id.");

const bulkRoute = createRoute({
  method: "post",
  path: "/api/alerts/bulk/",
  operationId: "bulkUpdateAlerts",
  tags,
  security,
  summary: "Change many alerts at once",
  description:
    `${whoMay("alerts:update")} Analysts may snooze (a body with only \`ids\` and \`snoozed_until\`). ` +
    `\`ids\` (1 to ${MAX_BULK_IDS} distinct) get \`status\`, \`assignee\` and/or \`snoozed_until\` in one statement, each ` +
    "by the same rules as PATCH: per alert 200 (changed, or a no-op), 404 (no such alert) or 409 (Resolved is " +
    "terminal), in the order of `ids`, history recorded per changed alert. An unknown or inactive assignee is a 400 " +
    "for the whole request and changes nothing. Throttled per principal (scope `write`, one per request).",
  middleware: [authenticate(), authorize("alerts:snooze"), jsonBody()] as const,
  request: { body: jsonRequestBody(BulkRequestSchema) },
  responses: routeResponses(
    { 200: jsonResponse("One result per id, in order", BulkResultSchema) },
    { problems: [400, 401, 403, 413, 415, 503], throttle: "write" },
  ),
});

const addNoteRoute = createRoute({
  method: "post",
  path: "/api/alerts/{id}/notes/",
  operationId: "addAlertNote",
  tags,
  security,
  summary: "Add a note to an alert",
  description:
    `${whoMay("triage:note")} ` +
    "Notes are append-only (PUT, PATCH and DELETE are 405) and allowed on resolved alerts; " +
    "each is recorded in the alert's history. Throttled per principal (scope `write`).",
  middleware: [authenticate(), authorize("triage:note"), jsonBody()] as const,
  request: { params: IdParamSchema, body: jsonRequestBody(NoteCreateSchema) },
  responses: routeResponses(
    { 201: jsonResponse("The note", NoteSchema) },
    { problems: [400, 401, 403, 404, 413, 415, 503], throttle: "write" },
  ),
});

const listNotesRoute = createRoute({
  method: "get",
  path: "/api/alerts/{id}/notes/",
  operationId: "listAlertNotes",
  tags,
  security,
  summary: "An alert's notes, oldest first",
  description: `${whoMay("triage:read")} Page-number pagination; an unknown alert is 404. Throttled (scope \`read\`).`,
  middleware: [authenticate(), authorize("triage:read")] as const,
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of notes", NotePageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const historyRoute = createRoute({
  method: "get",
  path: "/api/alerts/{id}/history/",
  operationId: "listAlertHistory",
  tags,
  security,
  summary: "An alert's history, oldest first",
  description:
    `${whoMay("triage:read")} ` +
    "Every change, recorded by the statement that made it: `created`, `status_changed`, " +
    "`assigned`, `event_grouped` (by `system`) and `note_added`, with who and from/to. No-ops and refused changes " +
    "record nothing. Page-number pagination; an unknown alert is 404. Throttled (scope `read`).",
  middleware: [authenticate(), authorize("triage:read")] as const,
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of history", HistoryPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const alertEventsRoute = createRoute({
  method: "get",
  path: "/api/alerts/{id}/events/",
  operationId: "listAlertEvents",
  tags,
  security,
  summary: "The events grouped into an alert, newest first",
  description:
    `${whoMay("alerts:read")} ` +
    "The opening event included. Page-number pagination; an unknown " +
    "alert is 404. Throttled (scope `read`).",
  middleware: [authenticate(), authorize("alerts:read")] as const,
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of events", EventPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const statsRoute = createRoute({
  method: "get",
  path: "/api/alerts/stats/",
  operationId: "getAlertStats",
  tags,
  security,
  summary: "Triage figures",
  description:
    `${whoMay("alerts:read")} ` +
    "Over the alerts raised in the range (all by default): totals by " +
    "status and severity, Open alerts nobody is assigned, and the mean seconds to acknowledge and to resolve " +
    "(null when there is nothing to average). With `bucket=hour|day`, `series`: the same per hour or day (UTC), " +
    "empty buckets included, for charts. With `group_by=source_name,event_type,severity` (any of them), `groups`: " +
    "the `top` largest of each. All of it from one scan, in one statement and one database round trip. Throttled " +
    "(scope `read`).",
  middleware: [authenticate(), authorize("alerts:read")] as const,
  request: { query: StatsQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("The figures", StatsSchema) },
    { problems: [400, 401, 403, 503], throttle: "read" },
  ),
});

/** Registered before the alert routes, so `/api/alerts/stats/` is not read as an alert id. */
export function registerTriage(app: OpenAPIHono<AppEnv>): void {
  app.openapi(bulkRoute, async (c) => {
    const { ids, ...change } = c.req.valid("json");
    requirePermission(c, changePermission(change));
    const outcome = await retryOnConflict(() =>
      changeAlerts(database(c.env), ids, change, actorOf(c.get("principal"))),
    );
    if (outcome.outcome === "unknown_assignee") throw unknownAssignee();
    publish(c, outcome.out);
    const results = outcome.results.map((r) => {
      if (r.outcome === "missing") return { id: r.id, status: 404 as const, detail: "No alert with this id." };
      if (r.outcome === "terminal") {
        return { id: r.id, status: 409 as const, alert: r.alert, detail: terminalDetail(change.status) };
      }
      return { id: r.id, status: 200 as const, alert: r.alert };
    });
    return c.json({ results }, 200);
  });

  app.openapi(addNoteRoute, async (c) => {
    const note = await addNote(database(c.env), c.req.valid("param").id, c.get("principal"), c.req.valid("json").body);
    if (!note) throw noSuchAlert();
    c.header("Location", `/api/alerts/${note.alert_id}/notes/`);
    return c.json(note, 201);
  });

  app.openapi(listNotesRoute, async (c) => {
    const page = pageRequest(c.req.valid("query"));
    const found = await listNotes(database(c.env), c.req.valid("param").id, page);
    if (!found.exists) throw noSuchAlert();
    return c.json(paginate(c.req.url, page, found.count, found.results), 200);
  });

  app.openapi(historyRoute, async (c) => {
    const page = pageRequest(c.req.valid("query"));
    const found = await listHistory(database(c.env), c.req.valid("param").id, page);
    if (!found.exists) throw noSuchAlert();
    return c.json(paginate(c.req.url, page, found.count, found.results), 200);
  });

  app.openapi(alertEventsRoute, async (c) => {
    const page = pageRequest(c.req.valid("query"));
    const found = await listAlertEvents(database(c.env), c.req.valid("param").id, page);
    if (!found.exists) throw noSuchAlert();
    return c.json(paginate(c.req.url, page, found.count, found.results), 200);
  });

  app.openapi(statsRoute, async (c) => c.json(await alertStats(database(c.env), c.req.valid("query")), 200));
}
