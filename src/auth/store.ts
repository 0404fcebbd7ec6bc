import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { type Role, refreshTokens } from "../db/schema";

/** Refresh tokens are stored as SHA-256 hashes only: a database leak yields no usable token. */
export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export type StoredRefresh = { hash: string; familyId: string; userId: number; expiresAt: Date };

export async function storeRefreshToken(db: Db, token: StoredRefresh): Promise<void> {
  await db.insert(refreshTokens).values({
    tokenHash: token.hash,
    familyId: token.familyId,
    userId: token.userId,
    expiresAt: token.expiresAt,
  });
}

export type RotationResult =
  | { outcome: "rotated"; user: { id: number; username: string; role: Role } }
  | { outcome: "refused" };

/**
 * Rotation in ONE statement: marks the presented token used, re-reads the user (role, active),
 * and stores its successor in the same family. If the presented token had already been rotated,
 * it is being replayed: the whole family is revoked, in that same statement. Two concurrent uses
 * of one token cannot both succeed: the second waits on the row lock and then finds it rotated.
 */
export async function rotateRefreshToken(db: Db, presentedHash: string, next: StoredRefresh): Promise<RotationResult> {
  const { rows } = await db.execute<{ id: number; username: string; role: Role }>(sql`
    with used as (
      update refresh_tokens set rotated_at = now()
      where token_hash = ${presentedHash} and rotated_at is null and revoked_at is null and expires_at > now()
      returning user_id, family_id
    ), account as (
      select u.id, u.username, u.role from users u join used on u.id = used.user_id where u.is_active
    ), successor as (
      insert into refresh_tokens (token_hash, family_id, user_id, expires_at)
      select ${next.hash}, used.family_id, account.id, ${next.expiresAt.toISOString()}::timestamptz
      from used join account on true
      returning id
    ), replayed as (
      update refresh_tokens set revoked_at = now()
      where revoked_at is null and family_id = (
        select family_id from refresh_tokens where token_hash = ${presentedHash} and rotated_at is not null
      )
      returning id
    )
    select account.id, account.username, account.role from account
    where exists (select 1 from successor) and not exists (select 1 from replayed)`);
  const [user] = rows;
  return user ? { outcome: "rotated", user: { ...user, id: Number(user.id) } } : { outcome: "refused" };
}

/** Logout: revokes the token's whole family (every device session that grew from that login). */
export async function revokeFamilyOf(db: Db, presentedHash: string): Promise<void> {
  await db.execute(sql`
    update refresh_tokens set revoked_at = now()
    where revoked_at is null
      and family_id = (select family_id from refresh_tokens where token_hash = ${presentedHash})`);
}
