import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { auditActorOf } from "../audit/store";
import { authenticate, authorize } from "../auth/middleware";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { revokeBeforeAnswering } from "../guard/revocations";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, linkTo, routeResponses } from "../http/openapi";
import { PageQuerySchema, pageRequest, paginate } from "../http/pagination";
import { Int32IdParamSchema } from "../http/params";
import { CreatedKeySchema, KeyCreateSchema, KeyPageSchema, KeySchema } from "./schemas";
import { issueKey } from "./service";
import { findKey, listKeys, revokeKey } from "./store";

const tags = ["API keys"];
const security = [{ bearerAuth: [] }];

const createKeyRoute = createRoute({
  method: "post",
  path: "/api/keys/",
  operationId: "createKey",
  tags,
  security,
  summary: "Create an API key for a sensor",
  description:
    `${whoMay("keys:manage")} ` +
    "The answer is the only time the key is shown: only its SHA-256 is stored. Send it as " +
    "`Authorization: Bearer vgl_...`.",
  middleware: [authenticate(), authorize("keys:manage"), jsonBody()] as const,
  request: { body: jsonRequestBody(KeyCreateSchema) },
  responses: routeResponses(
    {
      201: jsonResponse("Created; `Location` names it", CreatedKeySchema, {
        links: {
          key: linkTo("getKey", "The key just created"),
          revoke: linkTo("revokeKey", "How to revoke it"),
        },
      }),
    },
    { problems: [400, 401, 403, 413, 415, 503], throttle: "write" },
  ),
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/api/keys/",
  operationId: "listKeys",
  tags,
  security,
  summary: "List API keys, newest first",
  description: `${whoMay("keys:manage")} Page-number pagination as DRF's; the keys themselves are never shown again.`,
  middleware: [authenticate(), authorize("keys:manage")] as const,
  request: { query: PageQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of keys", KeyPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const getKeyRoute = createRoute({
  method: "get",
  path: "/api/keys/{id}/",
  operationId: "getKey",
  tags,
  security,
  summary: "Read one API key (never the key itself)",
  description: `${whoMay("keys:manage")} A malformed or unknown id is 404.`,
  middleware: [authenticate(), authorize("keys:manage")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The key", KeySchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/api/keys/{id}/",
  operationId: "revokeKey",
  tags,
  security,
  summary: "Revoke an API key",
  description:
    "From the very next request on, the key is refused (401), and the live-stream sockets it opened are " +
    "closed (4001) before this answers. 204 also when it was already revoked.",
  middleware: [authenticate(), authorize("keys:manage")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses({ 204: { description: "Revoked" } }, { problems: [401, 403, 404, 503], throttle: "write" }),
});

export function registerKeys(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createKeyRoute, async (c) => {
    const created = await issueKey(database(c.env), c.req.valid("json"), auditActorOf(c.get("principal")));
    c.header("Location", `/api/keys/${created.id}/`);
    return c.json(created, 201);
  });

  app.openapi(listKeysRoute, async (c) => {
    const page = pageRequest(c.req.valid("query"));
    const { count, results } = await listKeys(database(c.env), page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getKeyRoute, async (c) => {
    const key = await findKey(database(c.env), c.req.valid("param").id);
    if (!key) throw new ApiError("NOT_FOUND", "No API key with this id.");
    return c.json(key, 200);
  });

  app.openapi(revokeKeyRoute, async (c) => {
    const revoked = await revokeKey(database(c.env), c.req.valid("param").id, auditActorOf(c.get("principal")));
    if (!revoked) throw new ApiError("NOT_FOUND", "No API key with this id.");
    // The database says revoked; the key's guard must refuse it, and its stream sockets be closed,
    // before we answer.
    await revokeBeforeAnswering(c, { type: "key", hash: revoked.hash }, "The key is revoked in the database");
    return c.body(null, 204);
  });
}
