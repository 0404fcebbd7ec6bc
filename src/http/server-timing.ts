import type { MiddlewareHandler } from "hono";
import { withDbUsage } from "../db/client";
import { type AppEnv, getConfig } from "../env";

/**
 * Counts the database round trips of each request and, when SERVER_TIMING is "on", reports
 * them as `Server-Timing: db;dur=<ms>;desc="<n> round trips"` (tests and the bench read it).
 */
export function serverTiming(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (getConfig(c.env).SERVER_TIMING !== "on") return next();
    const { usage } = await withDbUsage(next);
    c.res.headers.append("Server-Timing", `db;dur=${usage.millis.toFixed(1)};desc="${usage.roundTrips} round trips"`);
  };
}
