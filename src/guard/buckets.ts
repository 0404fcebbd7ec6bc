import { gcra, type RateLimitDecision, refund } from "../limiter/gcra";
import type { RateLimitRule } from "../limiter/rule";

const PREFIX = "tat:";

/**
 * GCRA budgets of one principal, one theoretical arrival time (TAT) per scope, in memory.
 *
 * Storage is written only when it must be: a bucket is persisted once more than a quarter of
 * its budget is spent, since only then would forgetting it (the object evicted or restarted)
 * hand the client back a meaningful share. Light traffic, whose buckets refill between
 * requests, touches neither storage nor alarms. Writes are not awaited for confirmation
 * (`allowUnconfirmed`): a crash can lose the last milliseconds of state, never admit more than
 * that. Persisted buckets are deleted by the guard's clean-up alarm once refilled.
 */
export class Buckets {
  private readonly tats = new Map<string, number>();
  private readonly persisted = new Set<string>();

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Takes this bucket's entries from the object's stored state; says whether it was one. */
  load(key: string, value: unknown): boolean {
    if (!key.startsWith(PREFIX) || typeof value !== "number") return false;
    const scope = key.slice(PREFIX.length);
    this.tats.set(scope, value);
    this.persisted.add(scope);
    return true;
  }

  consume(scope: string, rule: RateLimitRule, cost: number, now: number): RateLimitDecision {
    const { decision, tat } = gcra(rule, this.tats.get(scope), now, cost);
    if (decision.allowed) this.save(scope, rule, tat, now);
    return decision;
  }

  refund(scope: string, rule: RateLimitRule, cost: number, now: number): void {
    const tat = refund(rule, this.tats.get(scope), now, cost);
    if (tat !== undefined) this.save(scope, rule, tat, now);
  }

  private save(scope: string, rule: RateLimitRule, tat: number, now: number): void {
    this.tats.set(scope, tat);
    if (tat - now > (rule.periodSeconds * 1000) / 4) {
      this.persisted.add(scope);
      void this.storage.put(PREFIX + scope, tat, { allowUnconfirmed: true });
    } else if (this.persisted.delete(scope)) {
      void this.storage.delete(PREFIX + scope, { allowUnconfirmed: true });
    }
  }

  /** When the last persisted bucket will be full again (0 when none is persisted). */
  nextCleanup(): number {
    let latest = 0;
    for (const scope of this.persisted) latest = Math.max(latest, this.tats.get(scope) ?? 0);
    return latest;
  }

  /** Forgets refilled buckets; returns the storage keys to delete. */
  cleanup(now: number): string[] {
    const done: string[] = [];
    for (const [scope, tat] of this.tats) {
      if (tat > now) continue;
      this.tats.delete(scope);
      if (this.persisted.delete(scope)) done.push(PREFIX + scope);
    }
    return done;
  }
}
