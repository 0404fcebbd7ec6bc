import { DurableObject } from "cloudflare:workers";
import type { Bindings, RateLimitRule } from "../env";
import { gcra, type RateLimitDecision, refund } from "./gcra";

/**
 * One instance per principal (`user:<id>`, `ip:<addr>`, `username:<name>`), holding one GCRA
 * state (a single number) per scope. A Durable Object runs one call at a time, so concurrent
 * requests can never be admitted past the limit, and it is one object worldwide, so limits hold
 * across isolates and edge locations.
 *
 * The state is read from memory and written behind to storage without holding the response
 * for the write's confirmation (`allowUnconfirmed`): the bench showed the confirmation wait
 * costing a quarter of a throttled route's throughput. What that risks is the last few
 * milliseconds of state if the machine crashes, i.e. a client regaining a few requests.
 */
export class RateLimiter extends DurableObject<Bindings> {
  private readonly tats = new Map<string, number>();
  /** Whether a clean-up alarm is pending (after an eviction it is simply set again). */
  private alarmPending = false;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    // Load before the first call is delivered, so calls never see a half-read state.
    void ctx.blockConcurrencyWhile(async () => {
      for (const [scope, tat] of await ctx.storage.list<number>()) this.tats.set(scope, tat);
    });
  }

  /** Spends `cost` of the scope's budget if it allows; says so, with the header figures. */
  consume(scope: string, rule: RateLimitRule, cost = 1): RateLimitDecision {
    const { decision, tat } = gcra(rule, this.tats.get(scope), Date.now(), cost);
    if (decision.allowed) this.save(scope, tat);
    return decision;
  }

  /** Gives back what consume() took, e.g. for a login attempt that turned out to be genuine. */
  refund(scope: string, rule: RateLimitRule, cost = 1): void {
    const tat = refund(rule, this.tats.get(scope), Date.now(), cost);
    if (tat !== undefined) this.save(scope, tat);
  }

  private save(scope: string, tat: number): void {
    this.tats.set(scope, tat);
    void this.ctx.storage.put(scope, tat, { allowUnconfirmed: true });
    // A full bucket says nothing: forget it once refilled (instances keyed by client IP or
    // username would otherwise keep their state forever). One pending alarm is enough: it
    // re-arms itself while anything is left.
    if (!this.alarmPending) {
      this.alarmPending = true;
      void this.ctx.storage.setAlarm(tat);
    }
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const refilled = [...this.tats].filter(([, tat]) => tat <= now).map(([scope]) => scope);
    for (const scope of refilled) this.tats.delete(scope);
    await this.ctx.storage.delete(refilled);
    const latest = Math.max(0, ...this.tats.values());
    this.alarmPending = latest > now;
    if (this.alarmPending) await this.ctx.storage.setAlarm(latest);
  }
}
