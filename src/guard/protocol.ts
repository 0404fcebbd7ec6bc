import type { Permission, ThrottleScope } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import type { AccessClaims } from "../auth/tokens";
import type { RateLimitDecision } from "../limiter/gcra";
import type { RateLimitRule } from "../limiter/rule";

/**
 * What a request presents, once checked as far as the Worker can check it alone: an access
 * token's verified claims, or the SHA-256 of an API key (whose validity only the key's Durable
 * Object knows).
 */
export type Credential = ({ type: "user" } & AccessClaims) | { type: "key"; hash: string };

export type AdmitRequest = {
  credential: Credential;
  permission: Permission;
  scope: ThrottleScope;
  /** The scope's configured rule; a key with its own ingest limit uses that instead. */
  rule: RateLimitRule;
  /** Budget to spend (a batch of N events costs N). */
  cost: number;
  /**
   * For an API key: the client address, and the budget it has for looking up keys no Durable
   * Object holds yet (RATE_LIMIT_UNKNOWN_KEY): guessed keys are stopped before the database.
   */
  lookup?: { ip: string; rule: RateLimitRule };
};

export type AdmitResult =
  /** `unknownKey`: no such API key exists (the Worker may remember that for a while). */
  | { outcome: "unauthenticated"; detail: string; dbRoundTrips: number; unknownKey?: boolean }
  /** The address spent its budget for looking up keys: refused before the database. */
  | { outcome: "gated"; decision: RateLimitDecision; dbRoundTrips: 0 }
  | { outcome: "forbidden"; principal: Principal; dbRoundTrips: number }
  | { outcome: "throttled" | "admitted"; principal: Principal; decision: RateLimitDecision; dbRoundTrips: number };

export type GuardSubject =
  | { type: "user"; id: number }
  | { type: "key"; hash: string }
  | { type: "ip" | "username" | "session"; value: string };

/** The Durable Object instance that guards a principal (and the login guards' instances). */
export function guardName(who: GuardSubject): string {
  switch (who.type) {
    case "user":
      return `user:${who.id}`;
    case "key":
      return `key:${who.hash}`;
    case "ip":
      return `ip:${who.value}`;
    case "username":
      return `username:${who.value.toLowerCase()}`;
    case "session":
      return `session:${who.value}`;
  }
}
