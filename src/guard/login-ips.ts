import { ExpiringEntries } from "./expiring";

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
  private readonly trusted: ExpiringEntries;

  constructor(storage: DurableObjectStorage) {
    this.trusted = new ExpiringEntries(storage, "ip:");
  }

  load(key: string, value: unknown): boolean {
    return this.trusted.load(key, value);
  }

  isTrusted(ip: string, now: number): boolean {
    return this.trusted.holds(ip, now);
  }

  async trust(ip: string, now: number): Promise<void> {
    await this.trusted.set(ip, now + TRUST_MS);
    await this.trusted.dropSoonest(MAX_IPS);
  }

  nextCleanup(): number {
    return this.trusted.nextCleanup();
  }

  cleanup(now: number): string[] {
    return this.trusted.cleanup(now);
  }
}
