import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { authenticate, authorize } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import { type AppEnv, getConfig } from "../env";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, routeResponses } from "../http/openapi";
import { pageRequest, paginate } from "../http/pagination";
import { fieldError } from "../http/validation";
import { recoverAndPublish } from "./recovery";
import {
  HeartbeatBeatSchema,
  HeartbeatCreateSchema,
  HeartbeatListQuerySchema,
  HeartbeatNameParamSchema,
  HeartbeatPageSchema,
  HeartbeatSchema,
} from "./schemas";
import { beatOnce, deleteHeartbeat, findHeartbeat, insertHeartbeat, listHeartbeats } from "./store";
import { heartbeatTimer } from "./timer";

const tags = ["Heartbeats"];
const security = [{ bearerAuth: [] }];
const noSuchHeartbeat = () => new ApiError("NOT_FOUND", "No heartbeat with this name.");
const EFFECT =
  "A heartbeat is late when no beat came for `timeout_seconds` (60 to 86400): Vigil then raises a High " +
  "`heartbeat_missed` event as `system` (`source_name` = its name, `dedup_key` `heartbeat:<name>`: it groups, never " +
  "duplicates; silences apply), sends `heartbeat.late`, and when beats return resolves that alert (by `system`, " +
  "the reason in its history) and sends `heartbeat.ok`. A beat is `POST /api/heartbeats/{name}/`, or any event its " +
  "owner ingests with `source_name` = name. Only its owner's beats count.";

const createDef = createRoute({
  method: "post",
  path: "/api/heartbeats/",
  operationId: "createHeartbeat",
  tags,
  security,
  summary: "Expect a sensor to report",
  description:
    `${whoMay("heartbeats:manage")} ${EFFECT} Status \`unknown\` until its first beat; it goes late a timeout after ` +
    "creation if none comes. With `key_id` only that key's beats count (an unknown, revoked, expired or not " +
    "ingest-scoped key is a 400); a name already watched is 409. Throttled per principal (scope `write`).",
  middleware: [authenticate(), authorize("heartbeats:manage"), jsonBody()] as const,
  request: { body: jsonRequestBody(HeartbeatCreateSchema) },
  responses: routeResponses(
    { 201: jsonResponse("Created; `Location` names it", HeartbeatSchema) },
    { problems: [400, 401, 403, 409, 413, 415, 503], throttle: "write" },
  ),
});

const listDef = createRoute({
  method: "get",
  path: "/api/heartbeats/",
  operationId: "listHeartbeats",
  tags,
  security,
  summary: "List heartbeats by name, with their status",
  description: `${whoMay("heartbeats:read")} Page-number pagination; \`status\` filters. Throttled (scope \`read\`).`,
  middleware: [authenticate(), authorize("heartbeats:read")] as const,
  request: { query: HeartbeatListQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of heartbeats", HeartbeatPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const getDef = createRoute({
  method: "get",
  path: "/api/heartbeats/{name}/",
  operationId: "getHeartbeat",
  tags,
  security,
  summary: "Read one heartbeat",
  description: `${whoMay("heartbeats:read")} An unknown or malformed name is 404. Throttled (scope \`read\`).`,
  middleware: [authenticate(), authorize("heartbeats:read")] as const,
  request: { params: HeartbeatNameParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The heartbeat", HeartbeatSchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

const beatDef = createRoute({
  method: "post",
  path: "/api/heartbeats/{name}/",
  operationId: "beatHeartbeat",
  tags,
  security,
  summary: "Beat: the sensor is alive",
  description:
    `${whoMay("heartbeats:beat")} ${EFFECT} The first beat of an unknown name creates the heartbeat, owned by the ` +
    "caller, with the body's `timeout_seconds` (default HEARTBEAT_DEFAULT_TIMEOUT_SECONDS) and `tags`: 201; later " +
    "beats ignore the body (`{}` will do): 200. A heartbeat another principal owns is 403 (a sensor's key cannot " +
    "keep another sensor alive). A name that cannot be a heartbeat's is 404. Throttled per principal (scope `ingest`).",
  middleware: [authenticate(), authorize("heartbeats:beat"), jsonBody()] as const,
  request: { params: HeartbeatNameParamSchema, body: jsonRequestBody(HeartbeatBeatSchema) },
  responses: routeResponses(
    {
      200: jsonResponse("Beaten: the heartbeat as it now is", HeartbeatSchema),
      201: jsonResponse("Created by this first beat; `Location` names it", HeartbeatSchema),
    },
    { problems: [400, 401, 403, 404, 413, 415, 503], throttle: "ingest" },
  ),
});

const deleteDef = createRoute({
  method: "delete",
  path: "/api/heartbeats/{name}/",
  operationId: "deleteHeartbeat",
  tags,
  security,
  summary: "Stop watching a sensor",
  description:
    `${whoMay("heartbeats:manage")} Its timer stops; its events and alerts stay (an open heartbeat alert is left for ` +
    "people to resolve). Throttled (scope `write`).",
  middleware: [authenticate(), authorize("heartbeats:manage")] as const,
  request: { params: HeartbeatNameParamSchema },
  responses: routeResponses({ 204: { description: "Deleted" } }, { problems: [401, 403, 404, 503], throttle: "write" }),
});

/**
 * Starts the new heartbeat's timer before answering. Should that fail, the heartbeat is still
 * created, and the sweep marks it late once it is overdue (scheduled.ts), restarting the timer.
 */
async function startTimer(c: Context<AppEnv>, id: number): Promise<void> {
  try {
    await heartbeatTimer(c.env, id).watch(id);
  } catch (error) {
    console.warn(
      JSON.stringify({
        level: "warn",
        requestId: c.get("requestId"),
        msg: "heartbeat timer left to the sweep",
        error: String(error),
      }),
    );
  }
}

export function registerHeartbeats(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createDef, async (c) => {
    const input = c.req.valid("json");
    const created = await insertHeartbeat(database(c.env), {
      name: input.name,
      timeoutSeconds: input.timeout_seconds,
      tags: input.tags ?? [],
      keyId: input.key_id ?? null,
      createdById: c.get("principal").id,
    });
    if (created.outcome === "unknown_key") {
      throw fieldError("json", "key_id", "No active API key with the ingest scope has this id.");
    }
    if (created.outcome === "exists") throw new ApiError("CONFLICT", "A heartbeat with this name exists already.");
    await startTimer(c, created.id);
    c.header("Location", `/api/heartbeats/${created.heartbeat.name}/`);
    return c.json(created.heartbeat, 201);
  });

  app.openapi(listDef, async (c) => {
    const query = c.req.valid("query");
    const page = pageRequest(query);
    const { count, results } = await listHeartbeats(database(c.env), query.status, page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getDef, async (c) => {
    const heartbeat = await findHeartbeat(database(c.env), c.req.valid("param").name);
    if (!heartbeat) throw noSuchHeartbeat();
    return c.json(heartbeat, 200);
  });

  app.openapi(beatDef, async (c) => {
    const { name } = c.req.valid("param");
    const body = c.req.valid("json");
    const outcome = await beatOnce(database(c.env), name, c.get("principal"), {
      timeoutSeconds: body.timeout_seconds ?? getConfig(c.env).HEARTBEAT_DEFAULT_TIMEOUT_SECONDS,
      tags: body.tags ?? [],
    });
    if (outcome.outcome === "foreign") {
      throw new ApiError("FORBIDDEN", "This heartbeat belongs to another sensor: only its owner's beats count.");
    }
    if (outcome.outcome === "created") {
      await startTimer(c, outcome.id);
      c.header("Location", `/api/heartbeats/${name}/`);
      return c.json(outcome.heartbeat, 201);
    }
    if (!outcome.recovering) return c.json(outcome.heartbeat, 200);
    // Back from late: recovered before answering, so the answer shows it ok and its alert resolved.
    await recoverAndPublish(c.env, [outcome.id]);
    const now = await findHeartbeat(database(c.env), name);
    return c.json(now ?? outcome.heartbeat, 200);
  });

  app.openapi(deleteDef, async (c) => {
    if (!(await deleteHeartbeat(database(c.env), c.req.valid("param").name))) throw noSuchHeartbeat();
    return c.body(null, 204);
  });
}
