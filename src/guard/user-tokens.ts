import { ExpiringEntries } from "./expiring";

const GENERATION = "gen";

/**
 * Which of a user's access tokens are void, without a database: those issued under an older
 * token generation (deactivation, role or password change) and those of ended sessions
 * (logout, or a refresh family revoked for replay). Access tokens are short-lived, so an ended
 * session is remembered only until the last token it could have issued has expired.
 */
export class UserTokens {
  private minGeneration = 0;
  private readonly endedSessions: ExpiringEntries;

  constructor(private readonly storage: DurableObjectStorage) {
    this.endedSessions = new ExpiringEntries(storage, "sid:");
  }

  load(key: string, value: unknown): boolean {
    if (key === GENERATION && typeof value === "number") {
      this.minGeneration = value;
      return true;
    }
    return this.endedSessions.load(key, value);
  }

  /** Why the token is void, or null when it is not. */
  voidReason(session: string, generation: number, now: number): string | null {
    if (generation < this.minGeneration) return "Token has been revoked: the account changed since it was issued.";
    if (this.endedSessions.holds(session, now)) return "Token has been revoked: its session has ended.";
    return null;
  }

  /** Confirmed before returning: a revocation that is acknowledged must survive a restart. */
  async voidBefore(generation: number): Promise<void> {
    if (generation <= this.minGeneration) return;
    this.minGeneration = generation;
    await this.storage.put(GENERATION, generation);
  }

  async endSession(session: string, until: number): Promise<void> {
    await this.endedSessions.set(session, until);
  }

  nextCleanup(): number {
    return this.endedSessions.nextCleanup();
  }

  cleanup(now: number): string[] {
    return this.endedSessions.cleanup(now);
  }
}
