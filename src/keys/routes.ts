import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { authenticate, authorize } from "../auth/middleware";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { applyRevocation } from "../guard/revocations";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { problemResponses } from "../http/openapi";
import { pageRequest, paginate } from "../http/pagination";
import { IdParamSchema } from "../http/params";
import { CreatedKeySchema, KeyCreateSchema, KeyListQuerySchema, KeyPageSchema, KeySchema } from "./schemas";
import { issueKey } from "./service";
import { findKey, listKeys, revokeKey } from "./store";

const tags = ["API keys"];
const security = [{ bearerAuth: [] }];
const json = <T>(schema: T) => ({ content: { "application/json": { schema } } });

const createKeyRoute = createRoute({
  method: "post",
  path: "/api/keys/",
  tags,
  security,
  summary: "Create an API key for a sensor",
  description:
    "Admin only. The answer is the only time the key is shown: only its SHA-256 is stored. Send it as " +
    "`Authorization: Bearer vgl_...`.",
  middleware: [authenticate(), authorize("keys:manage"), jsonBody()] as const,
  request: { body: { required: true, ...json(KeyCreateSchema) } },
  responses: {
    201: { description: "Created; `Location` names it", ...json(CreatedKeySchema) },
    ...problemResponses(400, 401, 403, 413, 415, 429, 503),
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/api/keys/",
  tags,
  security,
  summary: "List API keys, newest first",
  middleware: [authenticate(), authorize("keys:manage")] as const,
  request: { query: KeyListQuerySchema },
  responses: {
    200: { description: "A page of keys", ...json(KeyPageSchema) },
    ...problemResponses(400, 401, 403, 404, 429, 503),
  },
});

const getKeyRoute = createRoute({
  method: "get",
  path: "/api/keys/{id}/",
  tags,
  security,
  summary: "Read one API key (never the key itself)",
  middleware: [authenticate(), authorize("keys:manage")] as const,
  request: { params: IdParamSchema },
  responses: { 200: { description: "The key", ...json(KeySchema) }, ...problemResponses(401, 403, 404, 429, 503) },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/api/keys/{id}/",
  tags,
  security,
  summary: "Revoke an API key",
  description: "From the very next request on, the key is refused (401). 204 also when it was already revoked.",
  middleware: [authenticate(), authorize("keys:manage")] as const,
  request: { params: IdParamSchema },
  responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404, 429, 503) },
});

export function registerKeys(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createKeyRoute, async (c) => {
    const principal = c.get("principal");
    const created = await issueKey(
      database(c.env),
      c.req.valid("json"),
      principal.type === "user" ? principal.id : null,
    );
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
    const revoked = await revokeKey(database(c.env), c.req.valid("param").id);
    if (!revoked) throw new ApiError("NOT_FOUND", "No API key with this id.");
    // The database says revoked; the key's Durable Object must say so before we answer.
    try {
      await applyRevocation(c.env, { type: "key", hash: revoked.hash });
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "error",
          requestId: c.get("requestId"),
          msg: "key revocation not propagated",
          error: String(error),
        }),
      );
      throw new ApiError(
        "SERVICE_UNAVAILABLE",
        "The key is revoked in the database, but the revocation has not reached the edge yet; repeat the DELETE.",
        { headers: { "Retry-After": "5" } },
      );
    }
    return c.body(null, 204);
  });
}
