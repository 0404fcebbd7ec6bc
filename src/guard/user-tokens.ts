const GENERATION = "gen";
const SESSION_PREFIX = "sid:";

/**
 * Which of a user's access tokens are void, without a database: those issued under an older
 * token generation (deactivation, role or password change) and those of ended sessions
 * (logout, or a refresh family revoked for replay). Access tokens are short-lived, so an ended
 * session is remembered only until the last token it could have issued has expired.
 */
export class UserTokens {
  private minGeneration = 0;
  private readonly endedSessions = new Map<string, number>();

  constructor(private readonly storage: DurableObjectStorage) {}

  load(key: string, value: unknown): boolean {
    if (key === GENERATION && typeof value === "number") {
      this.minGeneration = value;
      return true;
    }
    if (key.startsWith(SESSION_PREFIX) && typeof value === "number") {
      this.endedSessions.set(key.slice(SESSION_PREFIX.length), value);
      return true;
    }
    return false;
  }

  /** Why the token is void, or null when it is not. */
  voidReason(session: string, generation: number, now: number): string | null {
    if (generation < this.minGeneration) return "Token has been revoked: the account changed since it was issued.";
    const until = this.endedSessions.get(session);
    if (until !== undefined && until > now) return "Token has been revoked: its session has ended.";
    return null;
  }

  /** Confirmed before returning: a revocation that is acknowledged must survive a restart. */
  async voidBefore(generation: number): Promise<void> {
    if (generation <= this.minGeneration) return;
    this.minGeneration = generation;
    await this.storage.put(GENERATION, generation);
  }

  async endSession(session: string, until: number): Promise<void> {
    this.endedSessions.set(session, Math.max(until, this.endedSessions.get(session) ?? 0));
    await this.storage.put(SESSION_PREFIX + session, this.endedSessions.get(session));
  }

  nextCleanup(): number {
    return Math.max(0, ...this.endedSessions.values());
  }

  cleanup(now: number): string[] {
    const done: string[] = [];
    for (const [session, until] of this.endedSessions) {
      if (until > now) continue;
      this.endedSessions.delete(session);
      done.push(SESSION_PREFIX + session);
    }
    return done;
  }
}
