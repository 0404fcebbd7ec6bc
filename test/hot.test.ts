import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { changeShapes } from "../src/alerts/changes";
import { type HotStatement, installHotStatements } from "../src/db/hot";
import { ingestShapes } from "../src/events/ingest";
import { hotStatements } from "../src/hot";
import { api, createUser, db, type TestUser } from "./helpers";

/**
 * Issue 22: the statements that carry the write load run through functions PostgreSQL keeps the
 * plans of (db/hot.ts), installed by the migrator; without its function a statement still runs.
 */
let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const nameOf = (statement: HotStatement) => statement.name;
const expected = () => [...new Set(hotStatements().map(nameOf))].sort();
/** The shapes of an event without an Idempotency-Key, and of a status change. */
const [oneEvent] = ingestShapes() as [HotStatement];
const [statusChange] = changeShapes() as [HotStatement];

const installed = async () =>
  (
    await db().execute<{ proname: string }>(
      sql`select proname from pg_proc where proname like 'vigil!_hot!_%' escape '!' order by 1`,
    )
  ).rows.map((r) => r.proname);

/** Calls of a function so far (pg_stat_user_functions: the test database tracks PL/pgSQL calls). */
const calls = async (name: string) =>
  Number(
    (
      await db().execute<{ calls: string }>(
        sql`select coalesce(sum(calls), 0) as calls from pg_stat_user_functions where funcname = ${name}`,
      )
    ).rows[0]?.calls,
  );

describe("hot statements", () => {
  it("the migrator installed one function per shape of each hot statement, and no other", async () => {
    expect(expected()).toHaveLength(hotStatements().length);
    expect(await installed()).toEqual(expected());
  });

  it("every function keeps generic plans (left to choose, PostgreSQL re-planned the change statement on every call)", async () => {
    const { rows } = await db().execute<{ proname: string; config: string[] | null }>(
      sql`select proname, proconfig as config from pg_proc where proname like 'vigil!_hot!_%' escape '!' order by 1`,
    );
    expect(rows.map((r) => r.proname)).toEqual(expected());
    for (const row of rows) expect(row.config, row.proname).toEqual(["plan_cache_mode=force_generic_plan"]);
  });

  it("an ingest and a PATCH run through their functions, answering as ever", async () => {
    const before = { ingest: await calls(nameOf(oneEvent)), change: await calls(nameOf(statusChange)) };
    const res = await api("/api/events/", {
      token: admin.token,
      json: { source_name: `hot-${crypto.randomUUID()}`, event_type: "t", severity: "High" },
    });
    expect(res.status).toBe(201);
    const { alert } = (await res.json()) as { alert: { id: number } };
    const patched = await api(`/api/alerts/${alert.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { status: "Acknowledged" },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: alert.id, status: "Acknowledged" });
    // Statistics reach the shared view when a backend goes idle, within a second or so.
    await vi.waitFor(
      async () => {
        expect(await calls(nameOf(oneEvent))).toBeGreaterThan(before.ingest);
        expect(await calls(nameOf(statusChange))).toBeGreaterThan(before.change);
      },
      { timeout: 10_000, interval: 250 },
    );
  });

  it("a statement whose function is missing runs as it is; the migrator puts it back and drops strays", async () => {
    await db().execute(sql.raw(`drop function ${nameOf(oneEvent)}`));
    await db().execute(sql.raw("create function vigil_hot_stray() returns int language sql as 'select 1'"));
    try {
      const source = `hot-missing-${crypto.randomUUID()}`;
      const res = await api("/api/events/", {
        token: admin.token,
        json: { source_name: source, event_type: "t", severity: "Low" },
      });
      expect(res.status).toBe(201);
      const { rows } = await db().execute<{ n: number }>(
        sql`select count(*)::int as n from events where source_name = ${source}`,
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await installHotStatements(db().$client, hotStatements());
    }
    expect(await installed()).toEqual(expected());
  });
});
