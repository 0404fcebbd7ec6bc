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
  const headers = Object.entries({ ...apiHeaders(), "Cache-Control": "no-store" });
  return async (c, next) => {
    // Set before the handler, so the response is built with them at once: each header set on a
    // finished Response is a call into the runtime. A route's own value replaces ours.
    for (const [name, value] of headers) c.header(name, value);
    await next();
    // A Response built by hand (the stream's 101) never saw them.
    if (c.res.headers.has("X-Content-Type-Options")) return;
    for (const [name, value] of headers) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  };
}
