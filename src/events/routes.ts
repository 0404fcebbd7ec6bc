import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { authenticate, authorize } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import { type AppEnv, getConfig } from "../env";
import { cursorPage, cursorRequest } from "../http/cursor";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { headerRefs, jsonRequestBody, jsonResponse, linkTo, routeResponses } from "../http/openapi";
import { pageRequest, paginate } from "../http/pagination";
import { IdParamSchema } from "../http/params";
import { publish } from "../push/publisher";
import { batchBody, batchFingerprint, validateBatch } from "./batch";
import {
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_PATTERN,
  idempotencyClaim,
  ingestOnce,
  markReplay,
  RETENTION_HOURS,
} from "./idempotency";
import { MAX_BATCH_ITEMS } from "./rules";
import type { BatchResult, EventView } from "./schemas";
import {
  BatchResultSchema,
  EventCreateSchema,
  EventCursorPageSchema,
  EventFiltersSchema,
  EventPageSchema,
  EventSchema,
} from "./schemas";
import { findEvent, listEvents, listEventsByCursor } from "./store";

const tags = ["Events"];
const security = [{ bearerAuth: [] }];

/** The `Idempotency-Key` request header as the document declares it (the intake receivers take it too). */
export const idempotencyHeader = z.object({
  // Checked by idempotencyClaim() (the batch route has no header validator): documented here.
  [IDEMPOTENCY_HEADER]: z
    .string()
    .optional()
    .openapi({
      param: { name: IDEMPOTENCY_HEADER, in: "header" },
      minLength: 1,
      maxLength: 255,
      pattern: IDEMPOTENCY_KEY_PATTERN.source,
      description:
        `1 to 255 visible ASCII characters, chosen by the client per logical request (e.g. a UUID). Kept per caller ` +
        `at least ${RETENTION_HOURS} h: a retry with the same key and body gets the first response again (same status ` +
        "and body) with `Idempotent-Replayed: true` and stores nothing; the same key with another body is 422. " +
        "Concurrent duplicates store exactly once. A request refused before storing (400, 401, 403, 413, 415, 429) " +
        "does not use its key.",
      example: "0b6f3c1e-8f4e-4f7a-9d8e-2c4b1a6e9f00",
    }),
});

const createEvent = createRoute({
  method: "post",
  path: "/api/events/",
  operationId: "createEvent",
  tags,
  security,
  summary: "Ingest an event",
  description:
    `${whoMay("events:create")} ` +
    "Records who sent it (`ingested_by`). A High or Critical event " +
    "opens an Open alert, or with a `dedup_key` joins the unresolved alert with that key, in the same statement: " +
    "all of it is stored or none. Answers 201 with the event and its `Location`. Throttled per principal (scope " +
    "`ingest`).",
  middleware: [authenticate(), authorize("events:create"), jsonBody()] as const,
  request: { headers: idempotencyHeader, body: jsonRequestBody(EventCreateSchema) },
  responses: routeResponses(
    {
      201: jsonResponse("Stored (or, with `Idempotent-Replayed: true`, stored before)", EventSchema, {
        headers: headerRefs("Idempotent-Replayed"),
        links: {
          event: linkTo("getEvent", "The event just stored"),
          alert: linkTo(
            "getAlert",
            "The alert it raised or joined, when `alert` is not null (High and Critical events)",
            "/alert/id",
          ),
        },
      }),
    },
    { problems: [400, 401, 403, 413, 415, 422, 503], throttle: "ingest", beforeThrottle: [401] },
  ),
});

// An invalid item fails alone, in `results`, not the request: so an item is any JSON value here,
// and EventCreate is what the handler checks it against.
const PER_ITEM =
  "validated as an `EventCreate` (#/components/schemas/EventCreate) and answered in `results` at its index: " +
  "201 with its id, or 400 with its `errors`; an invalid item stores nothing and does not fail the batch";

const BatchArraySchema = z
  .array(z.unknown().openapi({ description: "An event, as `EventCreate` describes it, checked on its own" }))
  .min(1)
  .max(MAX_BATCH_ITEMS)
  .openapi({
    description: `1 to ${MAX_BATCH_ITEMS} events, each ${PER_ITEM}.`,
    example: [{ source_name: "fw-edge-01", event_type: "port_scan", severity: "Low" }],
  });

const BatchNdjsonSchema = z
  .string()
  .max(1_048_576)
  .openapi({
    minLength: 1,
    // At least one line that is not blank (JavaScript's \s, which trimming removes), and no byte
    // order mark first (U+FEFF is \s too, so it cannot be that line).
    pattern: String.raw`^(?:\S|[^\S\uFEFF][\s\S]*\S)`,
    description:
      `One event per line; blank lines are ignored and are not items. 1 to ${MAX_BATCH_ITEMS} items, each ` +
      `${PER_ITEM} (a line that is not JSON: \`non_field_errors\`). UTF-8 without a byte order mark.`,
    example: '{"source_name":"fw-1","event_type":"port_scan","severity":"Low"}\n',
  });

/**
 * What a batch answers (this route, and the intake receivers): one result per item, or a problem;
 * the body is read and checked (400, 413, 415) before the budget is spent.
 */
export function batchResponses<T extends z.ZodType>(schema: T) {
  return routeResponses(
    {
      200: jsonResponse("One result per item, in input order", schema, {
        headers: headerRefs("Idempotent-Replayed"),
      }),
    },
    { problems: [400, 401, 403, 413, 415, 422, 503], throttle: "ingest", beforeThrottle: [400, 401, 413, 415] },
  );
}

const batchRoute = createRoute({
  method: "post",
  path: "/api/events/batch/",
  operationId: "createEventBatch",
  tags,
  security,
  summary: "Ingest up to 1,000 events at once",
  description:
    `${whoMay("events:create")} A JSON array of events (what stock log shippers send) or NDJSON ` +
    `(one event per line; blank lines are not items), 1 to ${MAX_BATCH_ITEMS} events, at most MAX_BATCH_BODY_BYTES ` +
    "(1 MiB by default). Each item is validated with the single-ingest rules; the valid ones and their alerts " +
    "(grouping included: several items with one key join one alert) are stored in one statement, atomically; " +
    "invalid ones are stored nowhere and answered in place. A batch of N events spends N of the ingest budget; one " +
    "the budget cannot cover now is 429 (Retry-After: when it can) and stores nothing; one larger than the whole " +
    "budget is 413 (no Retry-After: it never could), its detail naming the largest batch this credential may send.",
  request: {
    headers: idempotencyHeader,
    body: {
      required: true,
      content: {
        "application/json": { schema: BatchArraySchema },
        "application/x-ndjson": { schema: BatchNdjsonSchema },
      },
    },
  },
  responses: batchResponses(BatchResultSchema),
});

const listRoute = createRoute({
  method: "get",
  path: "/api/events/",
  operationId: "listEvents",
  tags,
  security,
  summary: "List events, newest first",
  description:
    `${whoMay("events:read")} ` +
    "Page-number pagination as DRF's (a page past the end is 404), or with `cursor` keyset pagination " +
    "without a count. Unknown query parameters are ignored. Throttled per principal (scope `read`).",
  middleware: [authenticate(), authorize("events:read")] as const,
  request: { query: EventFiltersSchema },
  responses: routeResponses(
    {
      200: jsonResponse(
        "A page of events (by number, or by cursor)",
        z.union([EventPageSchema, EventCursorPageSchema]),
        {
          headers: headerRefs("Link"),
        },
      ),
    },
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
    `${whoMay("events:read")} ` +
    "A malformed or unknown id is 404. Events are append-only: PUT, PATCH and DELETE are 405. " +
    "Throttled per principal (scope `read`).",
  middleware: [authenticate(), authorize("events:read")] as const,
  request: { params: IdParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The event", EventSchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

/** Events are append-only: no PUT, PATCH or DELETE is registered, so those answer 405. */
export function registerEvents(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createEvent, async (c) => {
    const claim = await idempotencyClaim(c, () => c.req.json());
    const result = await ingestOnce(database(c.env), {
      mode: "single",
      items: [{ index: 0, event: c.req.valid("json") }],
      failures: [],
      sender: c.get("principal"),
      idempotency: claim,
    });
    if (result.outcome === "stored") publish(c, result.out);
    markReplay(c, result, claim);
    const event = result.body as EventView;
    c.header("Location", `/api/events/${event.id}/`);
    return c.json(event, 201);
  });

  // Items are validated one by one (an invalid item fails alone), so the route's body schema is
  // documentation only: registered with the document, served by a plain handler.
  app.openAPIRegistry.registerPath(batchRoute);
  app.post(
    "/api/events/batch/",
    authenticate(),
    batchBody(),
    authorize("events:create", { cost: (c) => c.get("batch").length }),
    async (c) => {
      const items = c.get("batch");
      const claim = await idempotencyClaim(c, () => batchFingerprint(items));
      const { valid, failures } = validateBatch(items);
      if (valid.length === 0) {
        // Nothing to store: the answer is the same on a retry, so no key is used up.
        return c.json({ created: 0, failed: failures.length, results: failures }, 200);
      }
      const result = await ingestOnce(database(c.env), {
        mode: "batch",
        items: valid,
        failures,
        sender: c.get("principal"),
        idempotency: claim,
      });
      if (result.outcome === "stored") publish(c, result.out);
      markReplay(c, result, claim);
      return c.json(result.body as BatchResult, 200);
    },
  );

  app.openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const secret = getConfig(c.env).JWT_SECRET;
    const list = { list: "events", query };
    const cursor = await cursorRequest(secret, list);
    if (cursor) {
      const rows = await listEventsByCursor(database(c.env), query, cursor);
      const { body, link } = await cursorPage(secret, c.req.url, list, cursor, rows);
      if (link) c.header("Link", link);
      return c.json(body, 200);
    }
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
