import type { Context, MiddlewareHandler } from "hono";
import { type AppEnv, getConfig, type RateLimitRule } from "../env";
import { ApiError } from "../http/errors";
import type { RateLimitDecision } from "./gcra";

/**
 * Throttling by principal and scope, in the Durable Object (one RPC per request, no database).
 * Every response of a throttled route carries the IETF httpapi ratelimit headers (draft 10):
 *   RateLimit-Policy: "read";q=1200;w=60      the scope's quota q per window w seconds
 *   RateLimit: "read";r=1187;t=1               r requests left now; t seconds until the quota is full
 * A refused request is 429 problem+json with Retry-After in whole seconds.
 */
export type Scope = "ingest" | "read" | "write" | "auth";

export function ruleFor(c: Context<AppEnv>, scope: Scope): RateLimitRule {
  const config = getConfig(c.env);
  switch (scope) {
    case "ingest":
      return config.RATE_LIMIT_INGEST;
    case "read":
      return config.RATE_LIMIT_READ;
    case "write":
      return config.RATE_LIMIT_WRITE;
    case "auth":
      return config.RATE_LIMIT_AUTH;
  }
}

export function consume(
  c: Context<AppEnv>,
  key: string,
  scope: Scope,
  rule: RateLimitRule,
): Promise<RateLimitDecision> {
  const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));
  return stub.consume(scope, rule);
}

/** Puts the ratelimit headers on the response, and refuses with 429 when the decision says so. */
export function enforce(c: Context<AppEnv>, scope: Scope, decision: RateLimitDecision): void {
  const headers = {
    "RateLimit-Policy": `"${scope}";q=${decision.limit};w=${decision.periodSeconds}`,
    RateLimit: `"${scope}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (!decision.allowed) {
    throw new ApiError(
      "RATE_LIMITED",
      `Request was throttled. Expected available in ${decision.retryAfterSeconds} seconds.`,
      {
        headers: { ...headers, "Retry-After": String(decision.retryAfterSeconds) },
      },
    );
  }
}

/**
 * Per-principal throttle for data routes; use after requireAuth(). If the limiter cannot be
 * reached the request goes through (fail open, logged): an outage of the limiter must not take
 * the alerting pipeline down with it.
 *
 * @example createRoute({ ..., middleware: [requireAuth(), requireRole("admin"), rateLimit("ingest")] })
 */
export function rateLimit(scope: Exclude<Scope, "auth">): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const rule = ruleFor(c, scope);
    let decision: RateLimitDecision;
    try {
      decision = await consume(c, `user:${c.get("principal").userId}`, scope, rule);
    } catch (error) {
      console.warn(
        JSON.stringify({
          level: "warn",
          requestId: c.get("requestId"),
          msg: "rate limiter unreachable; failing open",
          scope,
          error: String(error),
        }),
      );
      return next();
    }
    enforce(c, scope, decision);
    await next();
  };
}
