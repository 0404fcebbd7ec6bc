import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { type Role, refreshTokens, users } from "../db/schema";

/** The users table's only door: the Worker, the users CLI and the dev script all come here. */
export type UserRow = typeof users.$inferSelect;
export type PublicUser = Pick<UserRow, "id" | "username" | "role" | "isActive" | "createdAt">;

const publicColumns = {
  id: users.id,
  username: users.username,
  role: users.role,
  isActive: users.isActive,
  createdAt: users.createdAt,
};

/** Inserts a user; returns null when the username is taken (one statement, no race). */
export async function insertUser(
  db: Db,
  user: { username: string; passwordHash: string; role: Role },
): Promise<PublicUser | null> {
  const [row] = await db
    .insert(users)
    .values(user)
    .onConflictDoNothing({ target: users.username })
    .returning(publicColumns);
  return row ?? null;
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  return row ?? null;
}

export function listUsers(db: Db): Promise<PublicUser[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.id));
}

/** A user whose access tokens must be voided: issued under a generation below `generation`. */
export type TokenRevocation = { id: number; generation: number };

/**
 * Changes what the user may do: role, active flag or password. Each raises the user's token
 * generation in the same statement (their live access tokens must then be voided through their
 * Durable Object: see guard/revocations.ts); deactivation and a new password also revoke every
 * refresh token, in the same batch. Returns the user, or null when no such username exists.
 */
export async function updateUser(
  db: Db,
  username: string,
  change: Partial<Pick<UserRow, "role" | "isActive" | "passwordHash">>,
): Promise<(PublicUser & TokenRevocation) | null> {
  const update = db
    .update(users)
    .set({ ...change, tokenGeneration: sql`${users.tokenGeneration} + 1` })
    .where(eq(users.username, username))
    .returning({ ...publicColumns, generation: users.tokenGeneration });
  const endsSessions = change.isActive === false || change.passwordHash !== undefined;
  if (!endsSessions) {
    const [row] = await update;
    return row ?? null;
  }
  const [updated] = await db.batch([
    update,
    db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          isNull(refreshTokens.revokedAt),
          inArray(refreshTokens.userId, db.select({ id: users.id }).from(users).where(eq(users.username, username))),
        ),
      ),
  ]);
  return updated[0] ?? null;
}
