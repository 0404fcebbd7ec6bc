import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { apiHeaders } from "./content-policy";

/**
 * On every response, problems and the 404/405 fallback included: `X-Content-Type-Options:
 * nosniff` (a browser must never run a JSON body it mistook for HTML), a Content-Security-Policy
 * that lets nothing in a response run, load or be framed, `X-Frame-Options: DENY` and
 * `Referrer-Policy: no-referrer` (unless the route set its own: the docs page), and
 * `Cache-Control: no-store` unless the route chose otherwise: what the API returns is
 * credentials, alerts about someone's network or live state, none of which a shared cache or a
 * browser's history should keep (RFC 6749 requires it of token responses).
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  const headers = Object.entries(apiHeaders());
  return async (c, next) => {
    await next();
    for (const [name, value] of headers) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  };
}
