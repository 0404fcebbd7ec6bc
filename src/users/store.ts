import { asc, eq, type SQL, sql } from "drizzle-orm";
import { type AuditActor, recordAudit } from "../audit/store";
import type { Db } from "../db/client";
import { type Role, users } from "../db/schema";
import { isoUtc } from "../db/sql";
import type { PageRequest } from "../http/pagination";

/**
 * The users table's only door: the Worker, the users CLI and the dev script all come here. Every
 * change is audited by the statement that makes it (audit/store.ts).
 */
export type UserRow = typeof users.$inferSelect;
export type PublicUser = Pick<UserRow, "id" | "username" | "role" | "isActive" | "createdAt">;

/** The API's representation of a user: never the password hash, never the token generation. */
export type UserView = { id: number; username: string; role: Role; is_active: boolean; created_at: string };

const publicColumns = {
  id: users.id,
  username: users.username,
  role: users.role,
  isActive: users.isActive,
  createdAt: users.createdAt,
};

const userJson = sql`json_build_object('id', u.id, 'username', u.username, 'role', u.role,
  'is_active', u.is_active, 'created_at', ${isoUtc(sql`u.created_at`)})`;

/** Inserts a user; returns null when the username is taken (one statement, no race). */
export async function insertUser(
  db: Db,
  user: { username: string; passwordHash: string; role: Role },
  actor: AuditActor,
): Promise<UserView | null> {
  const { rows } = await db.execute<{ user: UserView }>(sql`
    with u as (
      insert into users (username, password_hash, role) values (${user.username}, ${user.passwordHash}, ${user.role})
      on conflict (username) do nothing
      returning *
    ), audited as (
      ${recordAudit(actor, sql`select 'user.created', 'user', id, username, null, role::text from u`)}
    )
    select ${userJson} as user from u`);
  return rows[0]?.user ?? null;
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  return row ?? null;
}

export async function findUser(db: Db, id: number): Promise<UserView | null> {
  const { rows } = await db.execute<{ user: UserView }>(
    sql`select ${userJson} as user from users u where u.id = ${id}`,
  );
  return rows[0]?.user ?? null;
}

export function listUsers(db: Db): Promise<PublicUser[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.id));
}

/** One page by username, and the total, in one round trip. */
export async function listUsersPage(db: Db, page: PageRequest): Promise<{ count: number; results: UserView[] }> {
  const { rows } = await db.execute<{ total: string; user: UserView }>(sql`
    select (select count(*) from users) as total, ${userJson} as user
    from (select id from users order by username limit ${page.limit} offset ${page.offset}) p
    join users u on u.id = p.id
    order by u.username`);
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.user) };
}

/** A user whose access tokens must be voided: issued under a generation below `generation`. */
export type TokenRevocation = { id: number; generation: number };

export type UserChange = { role?: Role; isActive?: boolean; passwordHash?: string };
export type UserTarget = { id: number } | { username: string };

export type ChangedUser = {
  user: UserView;
  /** Its token generation now; the live access tokens of older ones must be voided. */
  revocation: TokenRevocation;
  /** False when the change asked for what already was, or was refused (nothing written, nothing audited). */
  changed: boolean;
  /** True when the change would have left no active admin: refused, nothing written. */
  lastAdmin: boolean;
};

/**
 * Changes what the user may do: role, active flag or password, in ONE statement that also raises
 * the user's token generation (their live access tokens must then be voided through their
 * Durable Object: see guard/revocations.ts), revokes every refresh token on deactivation or a
 * new password, and audits each change. Asking for what already is changes nothing. Null when
 * there is no such user.
 *
 * A change never leaves no active admin (`lastAdmin`: refused, nothing written), whoever asks,
 * however many ask at once: the statement locks every active admin and the target first, in id
 * order (two such statements cannot deadlock), so of two admins demoting each other at the same
 * moment the second waits for the first, then sees it was the last admin left, and is refused.
 */
export async function changeUser(
  db: Db,
  target: UserTarget,
  change: UserChange,
  actor: AuditActor,
): Promise<ChangedUser | null> {
  const role = change.role ?? null;
  const isActive = change.isActive ?? null;
  const passwordHash = change.passwordHash ?? null;
  const which: SQL = "id" in target ? sql`id = ${target.id}` : sql`username = ${target.username}`;
  const { rows } = await db.execute<{ user: UserView; generation: number; changed: boolean; last_admin: boolean }>(sql`
    with locked as materialized (
      -- After a wait, a row is read again as it now is: an admin demoted meanwhile drops out.
      select * from users where (role = 'admin' and is_active) or ${which} order by id for update
    ), t as (
      select * from locked where ${which}
    ), last_admin as (
      select t.role = 'admin' and t.is_active
        and not (coalesce(${role}::user_role, t.role) = 'admin' and coalesce(${isActive}::boolean, t.is_active))
        and not exists (select 1 from locked l where l.role = 'admin' and l.is_active and l.id <> t.id) as refused
      from t
    ), c as (
      update users u set
        role = coalesce(${role}::user_role, u.role),
        is_active = coalesce(${isActive}::boolean, u.is_active),
        password_hash = coalesce(${passwordHash}::text, u.password_hash),
        token_generation = u.token_generation + 1
      from t
      where u.id = t.id and not (select refused from last_admin) and (u.role <> coalesce(${role}::user_role, u.role)
        or u.is_active <> coalesce(${isActive}::boolean, u.is_active) or ${passwordHash}::text is not null)
      returning u.*, t.role as was_role, t.is_active as was_active
    ), ended as (
      update refresh_tokens set revoked_at = now()
      where revoked_at is null
        and user_id in (select id from c where (was_active and not is_active) or ${passwordHash}::text is not null)
    ), audited as (
      ${recordAudit(
        actor,
        sql`select 'user.role_changed', 'user', id, username, was_role::text, role::text from c where role <> was_role
        union all
        select case when is_active then 'user.reactivated' else 'user.deactivated' end, 'user', id, username, null, null
        from c where is_active <> was_active
        union all
        select 'user.password_reset', 'user', id, username, null, null from c where ${passwordHash}::text is not null`,
      )}
    )
    select ${userJson} as user, u.token_generation as generation, exists (select 1 from c) as changed,
           (select refused from last_admin) as last_admin
    from (select * from c union all select t.*, t.role, t.is_active from t where not exists (select 1 from c)) u`);
  const row = rows[0];
  if (!row) return null;
  return {
    user: row.user,
    revocation: { id: row.user.id, generation: Number(row.generation) },
    changed: row.changed,
    lastAdmin: row.last_admin,
  };
}
