/**
 * Named entries that each hold until a time (epoch ms), kept in memory and in the object's storage
 * under `prefix`: ended sessions, trusted login addresses. The guard's clean-up alarm forgets
 * them once they have expired.
 */
export class ExpiringEntries {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly prefix: string,
  ) {}

  load(key: string, value: unknown): boolean {
    if (!key.startsWith(this.prefix) || typeof value !== "number") return false;
    this.until.set(key.slice(this.prefix.length), value);
    return true;
  }

  holds(name: string, now: number): boolean {
    return (this.until.get(name) ?? 0) > now;
  }

  /**
   * Holds `name` until `until`, or longer if it already holds longer: a second end of the same
   * session (a replay after a logout, a lower TTL after a deploy) never shortens the first.
   * Confirmed before returning: what an entry stands for (a revocation, a trust) must survive a
   * restart.
   */
  async set(name: string, until: number): Promise<void> {
    const kept = Math.max(until, this.until.get(name) ?? 0);
    this.until.set(name, kept);
    await this.storage.put(this.prefix + name, kept);
  }

  /**
   * Keeps at most `max` entries, forgetting those that expire soonest (for entries that all last
   * the same time, the ones set longest ago). By expiry, not by insertion: after a restart the
   * entries come back from storage in key order.
   */
  async dropSoonest(max: number): Promise<void> {
    const excess = [...this.until]
      .sort((a, b) => a[1] - b[1])
      .slice(0, Math.max(0, this.until.size - max))
      .map(([name]) => name);
    for (const name of excess) this.until.delete(name);
    if (excess.length) await this.storage.delete(excess.map((name) => this.prefix + name));
  }

  /** When the last entry expires (0 when there is none). */
  nextCleanup(): number {
    return Math.max(0, ...this.until.values());
  }

  /** Forgets expired entries; returns their storage keys, to delete. */
  cleanup(now: number): string[] {
    const done: string[] = [];
    for (const [name, until] of this.until) {
      if (until > now) continue;
      this.until.delete(name);
      done.push(this.prefix + name);
    }
    return done;
  }
}
