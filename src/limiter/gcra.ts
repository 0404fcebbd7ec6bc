import type { RateLimitRule } from "./rule";

/**
 * GCRA (generic cell rate algorithm), the precise form of a token bucket that needs one stored
 * number per key: the theoretical arrival time (TAT) of the next request.
 *
 * Semantics for a rule of `limit` requests per `periodSeconds`: a fresh principal may send
 * `limit` requests at once; after that, capacity returns smoothly, one request every
 * `periodSeconds / limit`. So no window of `periodSeconds` ever admits more than `limit` plus
 * what refilled during it, and there is no boundary at which a fixed window would double the burst.
 */
export type RateLimitDecision = {
  allowed: boolean;
  limit: number;
  periodSeconds: number;
  /** Requests that could still be made right now. */
  remaining: number;
  /** Seconds until the full quota is back. */
  resetSeconds: number;
  /** Whole seconds to wait before a retry can succeed (0 when allowed, or when none ever can). */
  retryAfterSeconds: number;
  /** The cost is more than the whole quota: no wait would ever let it through. */
  exceedsLimit: boolean;
};

export type GcraResult = { decision: RateLimitDecision; tat: number };

export function gcra(rule: RateLimitRule, storedTat: number | undefined, now: number, cost = 1): GcraResult {
  const period = rule.periodSeconds * 1000;
  const interval = period / rule.limit;
  const tat = Math.max(storedTat ?? now, now);
  const candidate = tat + interval * cost;
  const allowAt = candidate - period;
  // More than the whole quota at once would need a TAT from before `now`, which never comes.
  const exceedsLimit = cost > rule.limit;
  const allowed = !exceedsLimit && now >= allowAt;
  const newTat = allowed ? candidate : tat;
  const decision: RateLimitDecision = {
    allowed,
    limit: rule.limit,
    periodSeconds: rule.periodSeconds,
    remaining: Math.max(0, Math.floor((now + period - newTat) / interval + 1e-9)),
    resetSeconds: Math.ceil((newTat - now) / 1000),
    retryAfterSeconds: allowed || exceedsLimit ? 0 : Math.max(1, Math.ceil((allowAt - now) / 1000)),
    exceedsLimit,
  };
  return { decision, tat: newTat };
}

/** Gives back `cost` requests (e.g. a successful login that must not count as a failure). */
export function refund(rule: RateLimitRule, storedTat: number | undefined, now: number, cost = 1): number | undefined {
  if (storedTat === undefined) return undefined;
  const interval = (rule.periodSeconds * 1000) / rule.limit;
  return Math.max(now, storedTat - interval * cost);
}
