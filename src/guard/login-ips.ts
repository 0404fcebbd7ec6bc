const PREFIX = "ip:";
/** How long a successful sign-in from an address vouches for it. */
const TRUST_MS = 30 * 24 * 3600 * 1000;
/** Addresses remembered per username, newest kept. */
const MAX_IPS = 20;

/**
 * Addresses a username has signed in from successfully. Attempts from them are not held to the
 * username's budget (only to their own address's): however many addresses guess at an account,
 * its owner, signing in from where they signed in before, is never locked out.
 */
export class LoginIps {
  private readonly trusted = new Map<string, number>();

  constructor(private readonly storage: DurableObjectStorage) {}

  load(key: string, value: unknown): boolean {
    if (!key.startsWith(PREFIX) || typeof value !== "number") return false;
    this.trusted.set(key.slice(PREFIX.length), value);
    return true;
  }

  isTrusted(ip: string, now: number): boolean {
    return (this.trusted.get(ip) ?? 0) > now;
  }

  async trust(ip: string, now: number): Promise<void> {
    this.trusted.delete(ip);
    this.trusted.set(ip, now + TRUST_MS);
    const evicted: string[] = [];
    for (const old of this.trusted.keys()) {
      if (this.trusted.size - evicted.length <= MAX_IPS) break;
      evicted.push(old);
    }
    for (const old of evicted) this.trusted.delete(old);
    if (evicted.length) await this.storage.delete(evicted.map((e) => PREFIX + e));
    await this.storage.put(PREFIX + ip, now + TRUST_MS);
  }

  nextCleanup(): number {
    return Math.max(0, ...this.trusted.values());
  }

  cleanup(now: number): string[] {
    const done: string[] = [];
    for (const [ip, until] of this.trusted) {
      if (until > now) continue;
      this.trusted.delete(ip);
      done.push(PREFIX + ip);
    }
    return done;
  }
}
