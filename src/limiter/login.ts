import type { Context } from "hono";
import { type AppEnv, getConfig } from "../env";
import { guardNamed } from "../guard/stub";
import { ApiError } from "../http/errors";
import type { RateLimitDecision } from "./gcra";
import { enforce } from "./headers";

/**
 * Brute-force protection for the token endpoints. Every request counts against the client IP
 * (RATE_LIMIT_AUTH). A login attempt the IP's budget admitted then also counts against the
 * username (RATE_LIMIT_AUTH_USERNAME, from whatever IP), so:
 * - attempts refused by the IP limit never reach, nor spend, the username's budget;
 * - a few attacking IPs are stopped by their own limits long before the username's (larger)
 *   budget is spent, and guessing one username from many IPs is still slowed;
 * - an address the user signed in from before is exempt from the username's budget, so even
 *   many attacking IPs cannot lock its owner out; a success gives its attempt back;
 * - every Retry-After is the real wait: budgets are spent only by admitted attempts.
 * These fail closed: without the guard, no password guessing is allowed at all (503).
 */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("CF-Connecting-IP") ?? "unknown";
}

async function failClosed<T>(c: Context<AppEnv>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        requestId: c.get("requestId"),
        msg: "login guard unreachable; refusing auth",
        error: String(error),
      }),
    );
    throw new ApiError("SERVICE_UNAVAILABLE", "Sign-in is temporarily unavailable; try again shortly.", {
      headers: { "Retry-After": "5" },
    });
  }
}

/**
 * Refresh and revoke. A validly signed refresh token spends its session's budget
 * (RATE_LIMIT_REFRESH): only that session's own holders can spend it, so nobody behind the same
 * address can sign its users out. Anything else (no token, a forged, garbled or expired one)
 * spends the client address's own budget for refusals (RATE_LIMIT_REFRESH_INVALID), apart from
 * the login budget, so bogus refreshes cannot stop anyone's sign-in either.
 */
export async function throttleRefresh(c: Context<AppEnv>, session: { familyId: string } | null): Promise<void> {
  const config = getConfig(c.env);
  const decision = await failClosed(c, () =>
    session
      ? guardNamed(c.env, { type: "session", value: session.familyId }).consume("refresh", config.RATE_LIMIT_REFRESH)
      : guardNamed(c.env, { type: "ip", value: clientIp(c) }).consume(
          "refresh-invalid",
          config.RATE_LIMIT_REFRESH_INVALID,
        ),
  );
  enforce(c, "refresh", decision);
}

/**
 * Login: the client IP's budget first, then the username's. Returns what to call when the
 * password turns out right.
 */
export async function beginLoginAttempt(c: Context<AppEnv>, username: string): Promise<{ succeeded(): void }> {
  const config = getConfig(c.env);
  const ip = clientIp(c);
  const byIp = await failClosed(c, () =>
    guardNamed(c.env, { type: "ip", value: ip }).consume("auth", config.RATE_LIMIT_AUTH),
  );
  if (!byIp.allowed) enforce(c, "auth", byIp);
  const account = guardNamed(c.env, { type: "username", value: username });
  const byUsername = await failClosed(c, () => account.attemptLogin(ip, config.RATE_LIMIT_AUTH_USERNAME));
  // The headers describe the budget that binds: the username's when it applies and is tighter.
  enforce(c, "auth", tighter(byIp, byUsername));
  return {
    succeeded() {
      c.executionCtx.waitUntil(account.loginSucceeded(ip, config.RATE_LIMIT_AUTH_USERNAME).catch(() => {}));
    },
  };
}

function tighter(a: RateLimitDecision, b: RateLimitDecision | null): RateLimitDecision {
  if (!b) return a;
  if (!b.allowed) return b;
  return b.remaining < a.remaining ? b : a;
}
