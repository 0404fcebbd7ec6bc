import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { unauthorized } from "../auth/middleware";
import { InvalidTokenError, verifyServiceToken } from "../auth/tokens";
import { type AppEnv, getConfig } from "../env";
import { applyRevocation } from "../guard/revocations";
import { jsonBody } from "../http/json-body";
import { REVOCATIONS_PURPOSE } from "./protocol";

/**
 * Routes for the command-line tools only, left out of the OpenAPI document. The CLIs change users
 * and keys in the database directly; this is how they make the change reach the principal's
 * Durable Object at once, so that a deactivated user's or a revoked key's next request is refused.
 * They present a one-minute `service` token signed with JWT_SECRET (so only an operator who holds
 * the secret, who could mint any token anyway, can call them), and can only ever take access away.
 */

function requireServiceToken(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = /^Bearer +(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
    if (!token) throw unauthorized("Authentication credentials were not provided.");
    try {
      if ((await verifyServiceToken(getConfig(c.env), token)) !== REVOCATIONS_PURPOSE)
        throw new InvalidTokenError("Wrong purpose.");
    } catch (e) {
      if (e instanceof InvalidTokenError) throw unauthorized(e.message, "invalid_token");
      throw e;
    }
    await next();
  };
}

export const RevocationSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("user"), id: z.number().int().positive(), generation: z.number().int().min(0) }),
  z.strictObject({ type: z.literal("key"), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
]);

const revocationRoute = createRoute({
  method: "post",
  path: "/api/internal/revocations/",
  hide: true,
  middleware: [requireServiceToken(), jsonBody()] as const,
  request: { body: { required: true, content: { "application/json": { schema: RevocationSchema } } } },
  responses: { 204: { description: "Applied" } },
});

export function registerInternal(app: OpenAPIHono<AppEnv>): void {
  app.openapi(revocationRoute, async (c) => {
    await applyRevocation(c.env, c.req.valid("json"));
    return c.body(null, 204);
  });
}
