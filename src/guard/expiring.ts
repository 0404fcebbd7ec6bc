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

  /** Confirmed before returning: what an entry stands for (a revocation, a trust) must survive a restart. */
  async set(name: string, until: number): Promise<void> {
    // Re-inserted, so the map's order stays oldest first (see dropOldest).
    this.until.delete(name);
    this.until.set(name, until);
    await this.storage.put(this.prefix + name, until);
  }

  /** Keeps at most `max` entries, forgetting the ones set longest ago. */
  async dropOldest(max: number): Promise<void> {
    const excess = [...this.until.keys()].slice(0, Math.max(0, this.until.size - max));
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
