import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

/**
 * On every response, problems and the 404/405 fallback included: `X-Content-Type-Options:
 * nosniff` (a browser must never run a JSON body it mistook for HTML), and `Cache-Control:
 * no-store` unless the route chose otherwise: what the API returns is credentials, alerts
 * about someone's network or live state, none of which a shared cache or a browser's
 * history should keep (RFC 6749 requires it of token responses).
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  };
}
