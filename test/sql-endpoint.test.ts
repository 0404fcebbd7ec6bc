import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";

/**
 * The local SQL endpoint must answer the Neon driver exactly as Neon does, or local runs would
 * test something production never runs. These go through the real driver, inside workerd.
 */
const sql = () => createDb(env.DATABASE_URL).$client;

describe("local SQL-over-HTTP endpoint (scripts/sql-endpoint.ts)", () => {
  it("returns values the driver parses into the right JavaScript types", async () => {
    const [row] = await sql()`select
      1::int4 as i, 9007199254740993::int8 as big, 1.50::numeric as num, true as b,
      '2026-01-02T03:04:05.123456Z'::timestamptz as ts, '{"a":[1,"x"]}'::jsonb as j,
      'héllo 🛡️ <script>' as t, array[1,2,3]::int4[] as arr, null::text as n`;
    expect(row).toEqual({
      i: 1,
      big: "9007199254740993",
      num: "1.50",
      b: true,
      // The driver leaves timestamps as PostgreSQL's text (drizzle maps them); sessions are UTC as on Neon.
      ts: "2026-01-02 03:04:05.123456+00",
      j: { a: [1, "x"] },
      t: "héllo 🛡️ <script>",
      arr: [1, 2, 3],
      n: null,
    });
  });

  it("binds parameters, including NULL, without interpolation", async () => {
    const evil = "'); drop table users; --";
    const rows = await sql().query("select $1::text as a, $2::text as b, $3::int as c", [evil, null, 42]);
    expect(rows).toEqual([{ a: evil, b: null, c: 42 }]);
  });

  it("reports PostgreSQL errors with their SQLSTATE and constraint", async () => {
    const name = `dup-${crypto.randomUUID()}`;
    const insert = () =>
      sql().query("insert into users (username, password_hash, role) values ($1, 'x', 'analyst')", [name]);
    await insert();
    await expect(insert()).rejects.toMatchObject({
      name: "NeonDbError",
      code: "23505",
      constraint: "users_username_key",
    });
  });

  it("runs a batch in one transaction: a failing statement rolls back the ones before it", async () => {
    const s = sql();
    const name = `tx-${crypto.randomUUID()}`;
    await expect(
      s.transaction([
        s.query("insert into users (username, password_hash, role) values ($1, 'x', 'analyst')", [name]),
        s.query("insert into users (username, password_hash, role) values ($1, 'x', 'no-such-role')", [name]),
      ]),
    ).rejects.toMatchObject({ code: "22P02" });
    expect(await s.query("select count(*)::int as n from users where username = $1", [name])).toEqual([{ n: 0 }]);
  });

  it("returns one result per statement of a successful batch", async () => {
    const s = sql();
    const results = await s.transaction([s`select 1 as a`, s`select 'two' as b`]);
    expect(results).toEqual([[{ a: 1 }], [{ b: "two" }]]);
  });

  it("refuses several statements in one query, as Neon does", async () => {
    await expect(sql().query("select 1; select 2")).rejects.toMatchObject({ code: "42601" });
  });
});
