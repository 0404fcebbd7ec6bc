import type { MiddlewareHandler } from "hono";
import { type AppEnv, getConfig } from "../env";

/**
 * When PUBLIC_BASE_URL is set, the request is seen by everything after this middleware as if
 * it had come to that origin: absolute links built from `c.req.url` (pagination's `next` and
 * `previous`) keep the request's path and query but can no longer be pointed at another host
 * by a forged `Host` header. Without it, the URL the Worker was reached at is used as it is.
 */
export function publicUrl(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const base = getConfig(c.env).PUBLIC_BASE_URL;
    if (base) {
      const { pathname, search } = new URL(c.req.url);
      c.req.raw = new Request(`${base}${pathname}${search}`, c.req.raw);
    }
    await next();
  };
}
