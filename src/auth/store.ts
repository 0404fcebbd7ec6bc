import { sql } from "drizzle-orm";
import { sha256Hex } from "../bytes";
import type { Db } from "../db/client";
import type { Role } from "../db/schema";
import type { RefreshClaims } from "./tokens";

/** Refresh tokens are stored as SHA-256 hashes only: a database leak yields no usable token. */
export function tokenHash(token: string): Promise<string> {
  return sha256Hex(token);
}

export type StoredRefresh = RefreshClaims & { hash: string };

export async function storeRefreshToken(db: Db, token: StoredRefresh): Promise<void> {
  await db.execute(sql`
    insert into refresh_tokens (token_hash, family_id, user_id, expires_at, jti, issued_at)
    values (${token.hash}, ${token.familyId}, ${token.userId}, to_timestamp(${token.expiresAt}),
            ${token.jti}, to_timestamp(${token.issuedAt}))`);
}

export type Account = { id: number; username: string; role: Role; generation: number };

export type RotationResult =
  /** The presented token is now used; `next` was stored as its successor. */
  | { outcome: "rotated"; account: Account }
  /** Rotated moments ago (a concurrent or retried refresh): its successor is given again. */
  | { outcome: "grace"; account: Account; successor: RefreshClaims }
  /** Presented after rotation, outside the grace window: its family is now revoked. */
  | { outcome: "replayed"; userId: number; familyId: string }
  /** Another refresh rotated it after this statement's snapshot: run again to see how. */
  | { outcome: "raced" }
  | { outcome: "refused" };

type Row = {
  outcome: RotationResult["outcome"];
  id: number | null;
  username: string | null;
  role: Role | null;
  generation: number | null;
  user_id: number | null;
  family_id: string | null;
  jti: string | null;
  iat: string | null;
  exp: string | null;
};

/**
 * Rotation in ONE statement: marks the presented token used, re-reads the user (role, active,
 * token generation) and stores its successor in the same family. A token rotated within the last
 * `graceSeconds` answers with the successor it already has (so a client that retries a refresh,
 * or sends several at once, keeps its session), provided that successor is still unused. Any
 * other reuse of a rotated token is a replay: the whole family is revoked, in that same statement.
 * Concurrent uses serialise on the row lock; one that started before the winner committed cannot
 * see the successor in its snapshot and reports `raced`, to be run once more.
 */
export async function rotateRefreshToken(
  db: Db,
  presentedHash: string,
  next: StoredRefresh,
  graceSeconds: number,
): Promise<RotationResult> {
  const { rows } = await db.execute<Row>(sql`
    with presented as (
      select id, user_id, family_id, rotated_at, revoked_at, expires_at from refresh_tokens where token_hash = ${presentedHash}
    ), used as (
      update refresh_tokens set rotated_at = now()
      where token_hash = ${presentedHash} and rotated_at is null and revoked_at is null and expires_at > now()
      returning id, user_id, family_id
    ), account as (
      select u.id, u.username, u.role, u.token_generation as generation from users u
      where u.is_active and u.id = (select user_id from presented)
    ), successor as (
      insert into refresh_tokens (token_hash, family_id, user_id, expires_at, jti, issued_at, parent_id)
      select ${next.hash}, used.family_id, account.id, to_timestamp(${next.expiresAt}), ${next.jti},
             to_timestamp(${next.issuedAt}), used.id
      from used join account on true
      returning id
    ), earlier as (
      select s.jti, extract(epoch from s.issued_at)::bigint as iat, extract(epoch from s.expires_at)::bigint as exp
      from presented p join refresh_tokens s on s.parent_id = p.id
      where p.rotated_at > now() - make_interval(secs => ${graceSeconds}) and p.revoked_at is null
        and s.rotated_at is null and s.revoked_at is null and s.expires_at > now() and s.jti is not null
    ), replayed as (
      update refresh_tokens set revoked_at = now()
      where revoked_at is null and not exists (select 1 from earlier)
        and family_id = (select family_id from presented where rotated_at is not null)
      returning id
    )
    select
      case
        when exists (select 1 from successor) then 'rotated'
        when exists (select 1 from replayed) then 'replayed'
        when not exists (select 1 from account) then 'refused'
        when exists (select 1 from earlier) then 'grace'
        when exists (select 1 from presented where rotated_at is null and revoked_at is null and expires_at > now())
          then 'raced'
        else 'refused'
      end as outcome,
      account.id, account.username, account.role, account.generation,
      presented.user_id, presented.family_id, earlier.jti, earlier.iat, earlier.exp
    from (select 1) one
    left join account on true
    left join presented on true
    left join earlier on true`);
  const row = rows[0];
  if (!row) return { outcome: "refused" };
  const account = (): Account => ({
    id: Number(row.id),
    username: row.username ?? "",
    role: row.role ?? "analyst",
    generation: Number(row.generation),
  });
  switch (row.outcome) {
    case "rotated":
      return { outcome: "rotated", account: account() };
    case "grace":
      return {
        outcome: "grace",
        account: account(),
        successor: {
          userId: Number(row.user_id),
          familyId: row.family_id ?? "",
          jti: row.jti ?? "",
          issuedAt: Number(row.iat),
          expiresAt: Number(row.exp),
        },
      };
    case "replayed":
      return { outcome: "replayed", userId: Number(row.user_id), familyId: row.family_id ?? "" };
    default:
      return { outcome: row.outcome };
  }
}

/**
 * Logout: revokes the token's whole family (every device session that grew from that login).
 * Returns the family, so its live access tokens can be voided too; null for an unknown token.
 */
export async function revokeFamilyOf(
  db: Db,
  presentedHash: string,
): Promise<{ userId: number; familyId: string } | null> {
  const { rows } = await db.execute<{ user_id: number; family_id: string }>(sql`
    with presented as (select user_id, family_id from refresh_tokens where token_hash = ${presentedHash}),
    revoked as (
      update refresh_tokens set revoked_at = now()
      where revoked_at is null and family_id = (select family_id from presented)
    )
    select user_id, family_id from presented`);
  const row = rows[0];
  return row ? { userId: Number(row.user_id), familyId: row.family_id } : null;
}
