import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyMigrations } from "../../scripts/migrate";
import { startSqlEndpoint } from "../../scripts/sql-endpoint";
import type { AuditActor } from "../../src/audit/store";
import { createDb, type Db } from "../../src/db/client";
import { changeUser, insertUser } from "../../src/users/store";

/**
 * A change never leaves no active admin (users/store.ts changeUser), however many admins change
 * each other at once. The suite's shared database always has other admins, so this runs on a
 * database of its own, migrated and behind an SQL endpoint of its own, as the Worker reaches one.
 */
const name = `vigil_admins_${crypto.randomUUID().slice(0, 8)}`;
let server: pg.Client;
/** Connected to the database itself: holds rows locked to line the two changes up. */
let holder: pg.Client;
let endpoint: Awaited<ReturnType<typeof startSqlEndpoint>>;
let db: Db;

beforeAll(async () => {
  const postgresUrl = inject("postgresUrl");
  server = new pg.Client(postgresUrl);
  await server.connect();
  await server.query(`create database ${name}`);
  const direct = postgresUrl.replace(/\/[^/]+$/, `/${name}`);
  endpoint = await startSqlEndpoint({ connectionString: direct, port: 0 });
  holder = new pg.Client(direct);
  await holder.connect();
  const url = `postgresql://vigil:vigil@127.0.0.1:${endpoint.port}/${name}`;
  await applyMigrations(url);
  db = createDb(url);
});

afterAll(async () => {
  await holder?.end();
  await endpoint?.close();
  await server?.query(`drop database if exists ${name} with (force)`);
  await server?.end();
});

const cli: AuditActor = { type: "cli", name: "test" };
type Admin = { id: number; as: AuditActor };

async function admin(): Promise<Admin> {
  const username = `admin-${crypto.randomUUID().slice(0, 8)}`;
  const user = await insertUser(db, { username, passwordHash: "not-a-hash", role: "admin" }, cli);
  if (!user) throw new Error("no user");
  return { id: user.id, as: { type: "user", id: user.id, name: username } };
}

async function activeAdmins(): Promise<number[]> {
  const { rows } = await db.execute<{ id: number }>(
    sql`select id from users where role = 'admin' and is_active order by id`,
  );
  return rows.map((r) => Number(r.id));
}

/** Every other admin demoted: `keep` are the only active admins. */
async function onlyAdmins(...keep: Admin[]) {
  const ids = keep.map((a) => a.id);
  for (const id of await activeAdmins()) {
    if (!ids.includes(id)) await changeUser(db, { id }, { role: "analyst" }, cli);
  }
  for (const a of keep) await changeUser(db, { id: a.id }, { role: "admin", isActive: true }, cli);
}

/** Until `n` statements of this database wait on a row lock. */
async function waitForLockWaits(n: number) {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await server.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'",
      [name],
    );
    if ((rows[0]?.n ?? 0) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${n} statements never waited on the held rows`);
}

describe("the last active admin (changeUser)", () => {
  it("the only admin cannot be demoted or deactivated; with a second admin, either can go", async () => {
    const a = await admin();
    await onlyAdmins(a);
    const demoted = await changeUser(db, { id: a.id }, { role: "analyst" }, cli);
    expect(demoted).toMatchObject({ changed: false, lastAdmin: true, user: { role: "admin", is_active: true } });
    const deactivated = await changeUser(db, { id: a.id }, { isActive: false }, cli);
    expect(deactivated).toMatchObject({ changed: false, lastAdmin: true });
    // A new password, or asking for what already is, is no threat.
    expect(await changeUser(db, { id: a.id }, { passwordHash: "another" }, cli)).toMatchObject({
      changed: true,
      lastAdmin: false,
    });
    expect(await changeUser(db, { id: a.id }, { role: "admin", isActive: true }, cli)).toMatchObject({
      changed: false,
      lastAdmin: false,
    });
    expect(await activeAdmins()).toEqual([a.id]);
    // Refused changes are not audited.
    const audited = await db.execute<{ n: string }>(sql`
      select count(*) as n from audit_log where target_id = ${a.id} and action in ('user.role_changed', 'user.deactivated')`);
    expect(Number(audited.rows[0]?.n)).toBe(0);

    const b = await admin();
    expect(await changeUser(db, { id: a.id }, { isActive: false }, b.as)).toMatchObject({ changed: true });
    expect(await activeAdmins()).toEqual([b.id]);
  });

  it("two admins demoting or deactivating each other at the same moment: one wins, one admin is left", async () => {
    for (let round = 0; round < 6; round++) {
      const [a, b] = [await admin(), await admin()];
      await onlyAdmins(a, b);
      const changes = [
        { role: "analyst" as const },
        { isActive: false },
        { role: "analyst" as const, isActive: false },
      ];
      // Both rows held, both changes start and wait, each with its snapshot taken while both
      // were admins: the race at its widest. Then both go at once.
      await holder.query("begin");
      await holder.query("select id from users where id = any($1) for update", [[a.id, b.id]]);
      const racing = Promise.all([
        changeUser(db, { id: b.id }, changes[round % 3] ?? {}, a.as),
        changeUser(db, { id: a.id }, changes[(round + 1) % 3] ?? {}, b.as),
      ]);
      await waitForLockWaits(2);
      await holder.query("commit");
      const [first, second] = await racing;
      const results = [first, second].map((r) => ({ changed: r?.changed, lastAdmin: r?.lastAdmin }));
      expect(results).toContainEqual({ changed: true, lastAdmin: false });
      expect(results).toContainEqual({ changed: false, lastAdmin: true });
      expect(await activeAdmins()).toHaveLength(1);
    }
  });
});
