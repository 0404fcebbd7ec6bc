import type { KeyPrincipal } from "../auth/principal";
import type { Db } from "../db/client";
import { findKeyByHash, type KeyRecord, touchKey } from "../keys/store";
import type { RateLimitDecision } from "../limiter/gcra";
import { parseRateLimit } from "../limiter/rule";

const REVOKED = "revoked";
/** Kept once the key is found: this object, evicted and started again, no longer spends a look-up budget on it. */
const KNOWN = "known";
/** A loaded key is read again after this long, as a safety net for changes made in the database alone. */
const RELOAD_AFTER_MS = 5 * 60_000;
/** An unknown key is looked up again after this long (it may have just been created). */
const UNKNOWN_FOR_MS = 60_000;
/** `last_used_at` is kept to within this much (contract section 9). */
const TOUCH_EVERY_MS = 60_000;

export type KeyCheck =
  | { valid: true; principal: KeyPrincipal; dbRoundTrips: number }
  | { valid: false; detail: string; dbRoundTrips: number; unknown?: boolean }
  | { valid: false; gated: RateLimitDecision; dbRoundTrips: 0 };

/**
 * The client address's budget for database look-ups of keys not held in memory: asked before
 * the look-up, given back when the key turns out to exist (so only unknown keys spend it).
 */
export type LookupGate = { admit(): Promise<RateLimitDecision>; found(): Promise<void> };

/**
 * One API key's validity, held by the key's own Durable Object: read from the database on first
 * use (one round trip), then answered from memory; told at once when the key is revoked.
 */
export class KeyState {
  private record: KeyRecord | null | undefined;
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private revoked = false;
  private known = false;
  private touchedAt = 0;
  /** The first load, gate included: calls arriving meanwhile share it rather than spend the budget again. */
  private first: Promise<RateLimitDecision | null> | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly db: () => Db,
    private readonly waitUntil: (work: Promise<unknown>) => void,
  ) {}

  load(key: string, value: unknown): boolean {
    if (key === KNOWN) this.known = value === true;
    else if (key === REVOKED) this.revoked = value === true;
    else return false;
    return true;
  }

  async check(hash: string, now: number, gate?: LookupGate): Promise<KeyCheck> {
    let dbRoundTrips = 0;
    if (this.record === undefined) {
      const leading = this.first === undefined;
      this.first ??= this.firstLoad(hash, now, gate).finally(() => {
        this.first = undefined;
      });
      const gated = await this.first;
      if (gated) return { valid: false, gated, dbRoundTrips: 0 };
      if (leading) dbRoundTrips = 1;
    } else if (now - this.loadedAt > (this.record === null ? UNKNOWN_FOR_MS : RELOAD_AFTER_MS)) {
      // Answered from memory while the row is read again, off the response path.
      this.waitUntil(
        this.reload(hash, now).catch((error: unknown) => {
          console.warn(JSON.stringify({ level: "warn", msg: "could not reload API key", error: String(error) }));
        }),
      );
    }
    const record = this.record;
    if (!record) return { valid: false, detail: "Invalid API key.", dbRoundTrips, unknown: true };
    if (this.revoked || record.revokedAt !== null)
      return { valid: false, detail: "API key has been revoked.", dbRoundTrips };
    if (record.expiresAt !== null && record.expiresAt <= now)
      return { valid: false, detail: "API key has expired.", dbRoundTrips };
    this.touch(record, now);
    return {
      valid: true,
      dbRoundTrips,
      principal: {
        type: "key",
        id: record.id,
        name: record.name,
        scopes: record.scopes,
        ingestRule: record.rateLimit ? parseRateLimit(record.rateLimit) : null,
        expiresAt: record.expiresAt,
      },
    };
  }

  /** Confirmed before returning, so that a DELETE answered 204 is never forgotten. */
  async revoke(): Promise<void> {
    this.revoked = true;
    await this.storage.put(REVOKED, true);
  }

  /**
   * Reads the row; a key this object has never found first asks the client address's budget
   * (the refusal is returned), and gives it back once found.
   */
  private async firstLoad(hash: string, now: number, gate?: LookupGate): Promise<RateLimitDecision | null> {
    const gating = gate && !this.known;
    if (gating) {
      const decision = await gate.admit();
      if (!decision.allowed) return decision;
    }
    await this.reload(hash, now);
    if (this.record && !this.known) {
      this.known = true;
      await Promise.all([this.storage.put(KNOWN, true), gating ? gate.found() : undefined]);
    }
    return null;
  }

  private reload(hash: string, now: number): Promise<void> {
    this.loading ??= findKeyByHash(this.db(), hash)
      .then((record) => {
        // A revocation that arrived while the row was in flight still wins (`revoked` is kept apart).
        this.record = record;
        this.loadedAt = now;
        this.touchedAt = Math.max(this.touchedAt, record?.lastUsedAt ?? 0);
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Records use off the response path, at most once a minute. */
  private touch(record: KeyRecord, now: number): void {
    if (now - this.touchedAt < TOUCH_EVERY_MS) return;
    this.touchedAt = now;
    this.waitUntil(
      touchKey(this.db(), record.id, new Date(now)).catch((error: unknown) => {
        console.warn(
          JSON.stringify({ level: "warn", msg: "could not record key use", keyId: record.id, error: String(error) }),
        );
      }),
    );
  }
}
