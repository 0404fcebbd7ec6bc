import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { requireAuth, requireRole } from "../auth/middleware";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, routeResponses } from "../http/openapi";
import { pageRequest, paginate } from "../http/pagination";
import { IdParamSchema } from "../http/params";
import { rateLimit } from "../limiter/middleware";
import { EventCreateSchema, EventFiltersSchema, EventPageSchema, EventSchema } from "./schemas";
import { findEvent, ingestEvent, listEvents } from "./store";

const tags = ["Events"];
const security = [{ bearerAuth: [] }];

const createEvent = createRoute({
  method: "post",
  path: "/api/events/",
  operationId: "createEvent",
  tags,
  security,
  summary: "Ingest an event",
  description:
    "Admin only. A High or Critical event raises an Open alert in the same statement: both exist or neither does. " +
    "Answers 201 with the event and its `Location`. Throttled per user (scope `ingest`).",
  middleware: [requireAuth(), requireRole("admin"), rateLimit("ingest"), jsonBody()] as const,
  request: { body: jsonRequestBody(EventCreateSchema) },
  responses: routeResponses(
    {
      201: jsonResponse("Stored", EventSchema, {
        links: {
          event: {
            operationId: "getEvent",
            parameters: { id: "$response.body#/id" },
            description: "The event just stored",
          },
          alert: {
            operationId: "getAlert",
            parameters: { id: "$response.body#/alert/id" },
            description: "The alert it raised, when `alert` is not null (High and Critical events)",
          },
        },
      }),
    },
    { problems: [400, 401, 403, 413, 415, 503], throttle: "ingest" },
  ),
});

const listRoute = createRoute({
  method: "get",
  path: "/api/events/",
  operationId: "listEvents",
  tags,
  security,
  summary: "List events, newest first",
  description:
    "Admin only. Page-number pagination as DRF's; a page past the end is 404. Unknown query parameters are " +
    "ignored. Throttled per user (scope `read`).",
  middleware: [requireAuth(), requireRole("admin"), rateLimit("read")] as const,
  request: { query: EventFiltersSchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of events", EventPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const getRoute = createRoute({
  method: "get",
  path: "/api/events/{id}/",
  operationId: "getEvent",
  tags,
  security,
  summary: "Read one event",
  description:
    "Admin only. A malformed or unknown id is 404. Events are append-only: PUT, PATCH and DELETE are 405. " +
    "Throttled per user (scope `read`).",
  middleware: [requireAuth(), requireRole("admin"), rateLimit("read")] as const,
  request: { params: IdParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The event", EventSchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

/** Events are append-only: no PUT, PATCH or DELETE is registered, so those answer 405. */
export function registerEvents(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createEvent, async (c) => {
    const event = await ingestEvent(database(c.env), c.req.valid("json"));
    c.header("Location", `/api/events/${event.id}/`);
    return c.json(event, 201);
  });

  app.openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const page = pageRequest(query);
    const { count, results } = await listEvents(database(c.env), query, page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getRoute, async (c) => {
    const event = await findEvent(database(c.env), c.req.valid("param").id);
    if (!event) throw new ApiError("NOT_FOUND", "No event with this id.");
    return c.json(event, 200);
  });
}
