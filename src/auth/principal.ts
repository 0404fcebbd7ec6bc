import type { KeyScope, Role } from "../db/schema";
import type { RateLimitRule } from "../limiter/rule";

/**
 * Who is making a request: a person, through an access token, or a machine, through an API key.
 * One authentication step yields this one type; routes then ask for a permission, never for a
 * role or a scope by name (see permissions.ts).
 */
export type UserPrincipal = { type: "user"; id: number; name: string; role: Role };
export type KeyPrincipal = {
  type: "key";
  id: number;
  name: string;
  scopes: KeyScope[];
  /** The key's own ingest limit, when it has one (else RATE_LIMIT_INGEST). */
  ingestRule: RateLimitRule | null;
  /** Epoch ms when the key expires (null: never); a stream socket opened with it closes then. */
  expiresAt: number | null;
};
export type Principal = UserPrincipal | KeyPrincipal;

/** `user:12`, `key:3`: how records that belong to a caller (idempotency keys, logs) name it. */
export function principalRef(principal: Principal): string {
  return `${principal.type}:${principal.id}`;
}
