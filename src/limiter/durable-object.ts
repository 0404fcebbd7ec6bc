import { DurableObject } from "cloudflare:workers";
import type { Bindings, RateLimitRule } from "../env";
import { gcra, type RateLimitDecision, refund } from "./gcra";

/**
 * One instance per principal (`user:<id>`, `ip:<addr>`, `username:<name>`), holding one GCRA
 * state (a single number) per scope. A Durable Object runs one call at a time, so concurrent
 * requests can never be admitted past the limit, and it is one object worldwide, so limits hold
 * across isolates and edge locations. State lives in the SQLite-backed synchronous KV storage
 * (writes are coalesced and output-gated: no extra round trip).
 */
export class RateLimiter extends DurableObject<Bindings> {
  /** Spends `cost` of the scope's budget if it allows; says so, with the header figures. */
  consume(scope: string, rule: RateLimitRule, cost = 1): RateLimitDecision {
    const { decision, tat } = gcra(rule, this.ctx.storage.kv.get<number>(scope), Date.now(), cost);
    if (decision.allowed) this.save(scope, tat);
    return decision;
  }

  /** Gives back what consume() took, e.g. for a login attempt that turned out to be genuine. */
  refund(scope: string, rule: RateLimitRule, cost = 1): void {
    const tat = refund(rule, this.ctx.storage.kv.get<number>(scope), Date.now(), cost);
    if (tat !== undefined) this.save(scope, tat);
  }

  private save(scope: string, tat: number): void {
    this.ctx.storage.kv.put(scope, tat);
    // A full bucket says nothing: forget it once refilled (instances keyed by client IP or
    // username would otherwise keep their state forever).
    void this.ctx.storage.setAlarm(this.latestTat());
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    for (const [scope, tat] of this.ctx.storage.kv.list<number>()) if (tat <= now) this.ctx.storage.kv.delete(scope);
    const latest = this.latestTat();
    if (latest > now) await this.ctx.storage.setAlarm(latest);
  }

  private latestTat(): number {
    let latest = 0;
    for (const [, tat] of this.ctx.storage.kv.list<number>()) latest = Math.max(latest, tat);
    return latest;
  }
}
