import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import type { RateLimitDecision } from "./gcra";
import { consume, enforce, ruleFor } from "./middleware";

/**
 * Brute-force protection for the token endpoints, with the `auth` rule (RATE_LIMIT_AUTH):
 * every request counts against the client IP; a login attempt also counts against the
 * username, from whatever IP it comes, and only a successful one is given back. So a correct
 * password does not unlock a username that is being guessed from elsewhere.
 * These fail closed: without the limiter, no password guessing is allowed at all (503).
 */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("CF-Connecting-IP") ?? "unknown";
}

async function guarded(c: Context<AppEnv>, keys: string[]): Promise<RateLimitDecision[]> {
  const rule = ruleFor(c, "auth");
  try {
    return await Promise.all(keys.map((key) => consume(c, key, "auth", rule)));
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        requestId: c.get("requestId"),
        msg: "rate limiter unreachable; refusing auth",
        error: String(error),
      }),
    );
    throw new ApiError("SERVICE_UNAVAILABLE", "Sign-in is temporarily unavailable; try again shortly.", {
      headers: { "Retry-After": "5" },
    });
  }
}

/** The tightest of several decisions: refused if any refuses, with the longest wait. */
function tightest(decisions: RateLimitDecision[]): RateLimitDecision {
  return decisions.reduce((a, b) => {
    if (a.allowed !== b.allowed) return a.allowed ? b : a;
    return a.remaining <= b.remaining && a.retryAfterSeconds >= b.retryAfterSeconds ? a : b;
  });
}

/** Refresh and revoke: per client IP. */
export async function throttleByIp(c: Context<AppEnv>): Promise<void> {
  enforce(c, "auth", tightest(await guarded(c, [`ip:${clientIp(c)}`])));
}

/**
 * Login: per client IP and per username, in parallel (one round trip). Returns what to call when
 * the password turns out right, which gives the username its attempt back.
 */
export async function beginLoginAttempt(c: Context<AppEnv>, username: string): Promise<{ succeeded(): void }> {
  const usernameKey = `username:${username.toLowerCase()}`;
  enforce(c, "auth", tightest(await guarded(c, [`ip:${clientIp(c)}`, usernameKey])));
  return {
    succeeded() {
      const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(usernameKey));
      c.executionCtx.waitUntil(stub.refund("auth", ruleFor(c, "auth")).catch(() => {}));
    },
  };
}
