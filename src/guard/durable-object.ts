import { DurableObject } from "cloudflare:workers";
import { can } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { database } from "../db/database";
import type { Bindings } from "../env";
import type { RateLimitDecision } from "../limiter/gcra";
import type { RateLimitRule } from "../limiter/rule";
import { Buckets } from "./buckets";
import { KeyState, type LookupGate } from "./key-state";
import { LoginIps } from "./login-ips";
import { type AdmitRequest, type AdmitResult, guardName } from "./protocol";
import { UserTokens } from "./user-tokens";

/**
 * One instance per principal (`user:<id>`, `key:<sha256>`) and per login guard (`ip:<addr>`,
 * `username:<name>`): see protocol.ts. Every authenticated request makes exactly one call here,
 * which answers at once whether the credential is still good, whether it may do this, and
 * whether its budget allows it. A Durable Object runs one call at a time and is one object
 * worldwide, so limits and revocations hold across isolates and edge locations, and no
 * database round trip is needed in the steady state.
 */
export class PrincipalGuard extends DurableObject<Bindings> {
  private readonly buckets: Buckets;
  private readonly userTokens: UserTokens;
  private readonly key: KeyState;
  private readonly loginIps: LoginIps;
  /** When the pending clean-up alarm fires (0: none pending). */
  private alarmAt = 0;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.buckets = new Buckets(ctx.storage);
    this.userTokens = new UserTokens(ctx.storage);
    this.key = new KeyState(
      ctx.storage,
      () => database(env),
      (work) => ctx.waitUntil(work),
    );
    this.loginIps = new LoginIps(ctx.storage);
    // Load before the first call is delivered, so calls never see a half-read state.
    void ctx.blockConcurrencyWhile(async () => {
      const parts = [this.buckets, this.userTokens, this.key, this.loginIps];
      for (const [key, value] of await ctx.storage.list()) parts.some((part) => part.load(key, value));
      this.alarmAt = (await ctx.storage.getAlarm()) ?? 0;
    });
  }

  /** Data routes: credential, permission and budget, in one call. */
  async admit(request: AdmitRequest): Promise<AdmitResult> {
    const now = Date.now();
    const { credential } = request;
    let principal: Principal;
    let dbRoundTrips = 0;
    if (credential.type === "user") {
      const detail = this.userTokens.voidReason(credential.session, credential.generation, now);
      if (detail) return { outcome: "unauthenticated", detail, dbRoundTrips };
      principal = credential.principal;
    } else {
      const check = await this.key.check(credential.hash, now, this.lookupGate(request.lookup));
      if ("gated" in check) return { outcome: "gated", decision: check.gated, dbRoundTrips: 0 };
      dbRoundTrips = check.dbRoundTrips;
      if (!check.valid) {
        return { outcome: "unauthenticated", detail: check.detail, dbRoundTrips, unknownKey: check.unknown };
      }
      principal = check.principal;
    }
    if (!can(principal, request.permission)) return { outcome: "forbidden", principal, dbRoundTrips };
    const rule =
      principal.type === "key" && request.scope === "ingest" && principal.ingestRule
        ? principal.ingestRule
        : request.rule;
    const decision = this.spend(request.scope, rule, request.cost, now);
    return { outcome: decision.allowed ? "admitted" : "throttled", principal, decision, dbRoundTrips };
  }

  /** A plain budget (the token endpoints, per client IP). */
  consume(scope: string, rule: RateLimitRule, cost = 1): RateLimitDecision {
    return this.spend(scope, rule, cost, Date.now());
  }

  /**
   * A login attempt against this username's budget. An address the user signed in from before
   * is not held to it, so guessing from elsewhere cannot lock the owner out.
   */
  attemptLogin(ip: string, rule: RateLimitRule): RateLimitDecision | null {
    const now = Date.now();
    if (this.loginIps.isTrusted(ip, now)) return null;
    return this.spend("auth", rule, 1, now);
  }

  /** The password was right: the attempt is given back and the address remembered. */
  async loginSucceeded(ip: string, rule: RateLimitRule): Promise<void> {
    const now = Date.now();
    this.buckets.refund("auth", rule, 1, now);
    await this.loginIps.trust(ip, now);
    this.scheduleCleanup();
  }

  /** A key look-up from this address (ip instances): within its budget, or refused. */
  gateLookup(rule: RateLimitRule): RateLimitDecision {
    return this.spend("key-lookup", rule, 1, Date.now());
  }

  /** The key looked up existed: its look-up is given back (ip instances). */
  lookupFound(rule: RateLimitRule): void {
    this.buckets.refund("key-lookup", rule, 1, Date.now());
  }

  /** Voids every access token issued under an older generation (user instances). */
  async voidTokensBefore(generation: number): Promise<void> {
    await this.userTokens.voidBefore(generation);
  }

  /** Voids the access tokens of one session until `until` (ms), when they have all expired. */
  async endSession(session: string, until: number): Promise<void> {
    await this.userTokens.endSession(session, until);
    this.scheduleCleanup();
  }

  /** From the very next request on, this key is refused (key instances). */
  async revokeKey(): Promise<void> {
    await this.key.revoke();
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.alarmAt = 0;
    const done = [...this.buckets.cleanup(now), ...this.userTokens.cleanup(now), ...this.loginIps.cleanup(now)];
    if (done.length) await this.ctx.storage.delete(done);
    this.scheduleCleanup();
  }

  /** The client address's look-up budget, kept by that address's own instance. */
  private lookupGate(lookup: AdmitRequest["lookup"]): LookupGate | undefined {
    if (!lookup) return undefined;
    const address = () => this.env.GUARD.get(this.env.GUARD.idFromName(guardName({ type: "ip", value: lookup.ip })));
    return {
      admit: () => address().gateLookup(lookup.rule),
      // Awaited (once per key per object lifetime) so the next look-up sees the budget back.
      found: () =>
        address()
          .lookupFound(lookup.rule)
          .catch(() => {}),
    };
  }

  private spend(scope: string, rule: RateLimitRule, cost: number, now: number): RateLimitDecision {
    const decision = this.buckets.consume(scope, rule, cost, now);
    if (decision.allowed) this.scheduleCleanup();
    return decision;
  }

  /**
   * One pending alarm at a time, at the earliest moment one part has nothing left to keep; it
   * re-arms itself for what remains. Not re-armed per call.
   */
  private scheduleCleanup(): void {
    if (this.alarmAt) return;
    const due = [this.buckets.nextCleanup(), this.userTokens.nextCleanup(), this.loginIps.nextCleanup()].filter(
      (t) => t > 0,
    );
    if (due.length === 0) return;
    this.alarmAt = Math.min(...due);
    void this.ctx.storage.setAlarm(this.alarmAt);
  }
}
