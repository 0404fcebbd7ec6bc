import type { Context } from "hono";
import type { AppEnv, Config } from "../env";
import { ApiError } from "../http/errors";
import type { RateLimitDecision } from "./gcra";
import type { RateLimitRule } from "./rule";

/**
 * The IETF httpapi ratelimit headers (draft 10), on every response of a throttled route:
 *   RateLimit-Policy: "read";q=1200;w=60      the scope's quota q per window w seconds
 *   RateLimit: "read";r=1187;t=1               r requests left now; t seconds until the quota is full
 * A refused request is 429 problem+json with Retry-After in whole seconds, a wait after which it
 * is admitted; one that costs more than the whole quota (a batch larger than the budget) is 413,
 * with no Retry-After, since no wait would ever admit it.
 */
export type Scope = "ingest" | "read" | "write" | "auth" | "refresh" | "unknown-key";

export function ruleFor(config: Config, scope: Scope): RateLimitRule {
  switch (scope) {
    case "ingest":
      return config.RATE_LIMIT_INGEST;
    case "read":
      return config.RATE_LIMIT_READ;
    case "write":
      return config.RATE_LIMIT_WRITE;
    case "auth":
      return config.RATE_LIMIT_AUTH;
    case "refresh":
      return config.RATE_LIMIT_REFRESH;
    case "unknown-key":
      return config.RATE_LIMIT_UNKNOWN_KEY;
  }
}

/** Puts the ratelimit headers on the response, and refuses with 429 (or 413) when the decision says so. */
export function enforce(c: Context<AppEnv>, scope: Scope, decision: RateLimitDecision): void {
  const headers = {
    "RateLimit-Policy": `"${scope}";q=${decision.limit};w=${decision.periodSeconds}`,
    RateLimit: `"${scope}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (decision.exceedsLimit) {
    // No Retry-After: waiting would never help, and the header must stay true.
    throw new ApiError(
      "PAYLOAD_TOO_LARGE",
      `This request costs more than the whole "${scope}" budget (${decision.limit} per ${decision.periodSeconds} s): ` +
        `the largest batch this credential can ever send is ${decision.limit} events. Split it.`,
      { headers },
    );
  }
  if (!decision.allowed) {
    throw new ApiError(
      "RATE_LIMITED",
      `Request was throttled. Expected available in ${decision.retryAfterSeconds} seconds.`,
      { headers: { ...headers, "Retry-After": String(decision.retryAfterSeconds) } },
    );
  }
}
