import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { requireAuth, requireRole } from "../auth/middleware";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, problemResponses } from "../http/openapi";
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
  tags,
  security,
  summary: "Ingest an event",
  description:
    "Admin only. A High or Critical event raises an Open alert in the same statement: both exist or neither does. " +
    "Answers 201 with the event and its `Location`.",
  middleware: [requireAuth(), requireRole("admin"), rateLimit("ingest"), jsonBody()] as const,
  request: { body: jsonRequestBody(EventCreateSchema) },
  responses: {
    201: { description: "Stored", content: { "application/json": { schema: EventSchema } } },
    ...problemResponses(400, 401, 403, 413, 415, 429, 503),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/events/",
  tags,
  security,
  summary: "List events, newest first",
  middleware: [requireAuth(), requireRole("admin"), rateLimit("read")] as const,
  request: { query: EventFiltersSchema },
  responses: {
    200: { description: "A page of events", content: { "application/json": { schema: EventPageSchema } } },
    ...problemResponses(400, 401, 403, 404, 429, 503),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/events/{id}/",
  tags,
  security,
  summary: "Read one event",
  middleware: [requireAuth(), requireRole("admin"), rateLimit("read")] as const,
  request: { params: IdParamSchema },
  responses: {
    200: { description: "The event", content: { "application/json": { schema: EventSchema } } },
    ...problemResponses(401, 403, 404, 429, 503),
  },
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
