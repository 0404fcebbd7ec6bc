import type { MiddlewareHandler } from "hono";
import type { Role } from "../db/schema";
import { type AppEnv, getConfig } from "../env";
import { ApiError } from "../http/errors";
import { InvalidTokenError, verifyAccessToken } from "./tokens";

const REALM = 'Bearer realm="vigil"';

function unauthorized(detail: string, error?: "invalid_request" | "invalid_token"): ApiError {
  const challenge = error ? `${REALM}, error="${error}", error_description="${detail.replaceAll('"', "'")}"` : REALM;
  return new ApiError("UNAUTHORIZED", detail, { headers: { "WWW-Authenticate": challenge } });
}

/**
 * Requires `Authorization: Bearer <access token>` and sets `principal`; 401 with a precise
 * `WWW-Authenticate` otherwise. No database query: the token carries the role.
 *
 * @example app.get("/api/auth/me/", requireAuth(), handler)
 */
export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("Authorization");
    if (!header) throw unauthorized("Authentication credentials were not provided.");
    const match = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    if (!match?.[1]) throw unauthorized("Authorization header must be 'Bearer <token>'.", "invalid_request");
    try {
      c.set("principal", await verifyAccessToken(getConfig(c.env), match[1]));
    } catch (e) {
      if (e instanceof InvalidTokenError) throw unauthorized(e.message, "invalid_token");
      throw e;
    }
    await next();
  };
}

/**
 * Deny by default: only the listed roles pass (403 otherwise). Use after requireAuth().
 *
 * @example app.patch("/api/alerts/:id/", requireAuth(), requireRole("admin"), handler)
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set<Role>(roles);
  return async (c, next) => {
    if (!allowed.has(c.get("principal").role)) {
      throw new ApiError("FORBIDDEN", "You do not have permission to perform this action.");
    }
    await next();
  };
}
