import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

// Echo only ids that are safe to log and to put back in a header.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Tags every request and response with `X-Request-Id` (the caller's, when it is valid). */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header("X-Request-Id");
    const id = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    await next();
    c.res.headers.set("X-Request-Id", id);
  };
}
