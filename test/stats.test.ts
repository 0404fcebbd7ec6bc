import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { StatsQuerySchema } from "../src/alerts/schemas";
import { statsStatement } from "../src/alerts/stats";
import { openAlert } from "./factories";
import { api, createUser, db, problem, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

describe("alert stats (contract section 12)", () => {
  it("mean times are exact (from raising to acknowledging, and to resolving), within both bounds of the range", async () => {
    const [a, b] = await Promise.all([openAlert(admin), openAlert(admin)]);
    // Moved to a day no other test raises alerts on, with known times.
    await db().execute(sql`
      update alerts set status = 'Resolved', created_at = '2001-06-15T00:00:00Z',
        acknowledged_at = '2001-06-15T00:01:00Z', resolved_at = '2001-06-15T00:05:00Z' where id = ${a}`);
    await db().execute(sql`
      update alerts set status = 'Acknowledged', created_at = '2001-06-15T00:00:00Z',
        acknowledged_at = '2001-06-15T00:02:00Z' where id = ${b}`);
    const stats = async (range: string) =>
      (await (await api(`/api/alerts/stats/?${range}`, { token: admin.token })).json()) as Record<string, unknown>;
    expect(await stats("created_after=2001-06-14T00:00:00Z&created_before=2001-06-16T00:00:00Z")).toMatchObject({
      total: 2,
      mean_seconds_to_acknowledge: 90,
      mean_seconds_to_resolve: 300,
    });
    expect(await stats("created_after=2001-06-14T00:00:00Z&created_before=2001-06-14T23:59:59Z")).toMatchObject({
      total: 0,
      mean_seconds_to_acknowledge: null,
    });
  });

  it("totals by status and severity, unassigned Open alerts and mean times, in one round trip", async () => {
    // A window of its own: only this test's alerts were raised in it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = new Date().toISOString();
    const ids = await Promise.all([openAlert(admin), openAlert(admin), openAlert(admin, { severity: "Critical" })]);
    const [a, b] = ids;
    await api(`/api/alerts/${a}/`, { method: "PATCH", token: admin.token, json: { status: "Acknowledged" } });
    await api(`/api/alerts/${b}/`, { method: "PATCH", token: admin.token, json: { status: "Resolved" } });
    const res = await api(`/api/alerts/stats/?created_after=${since}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(1);
    const stats = (await res.json()) as Record<string, unknown> & { mean_seconds_to_resolve: number };
    expect(stats).toMatchObject({
      total: 3,
      by_status: { Open: 1, Acknowledged: 1, Investigating: 0, Resolved: 1 },
      by_severity: { High: 2, Critical: 1 },
      unassigned_open: 1,
    });
    expect(stats.mean_seconds_to_acknowledge).toBeGreaterThan(0);
    expect(stats.mean_seconds_to_resolve).toBeGreaterThan(0);
  });

  it("nothing to average is null", async () => {
    const res = await api("/api/alerts/stats/?created_after=9999-01-01T00:00:00Z", { token: admin.token });
    expect(await res.json()).toMatchObject({
      total: 0,
      mean_seconds_to_acknowledge: null,
      mean_seconds_to_resolve: null,
    });
  });
});

describe("stats for the dashboard: series and groups (issue 20)", () => {
  type Series = { start: string; total: number; by_severity: { High: number; Critical: number } } & Record<
    string,
    unknown
  >;
  type Stats = Record<string, unknown> & {
    series?: Series[];
    groups?: Record<string, { key: string; count: number }[]>;
  };
  const stats = async (query: string) => {
    const res = await api(`/api/alerts/stats/?${query}`, { token: admin.token });
    expect(res.status, query).toBe(200);
    return { body: (await res.json()) as Stats, res };
  };

  /** Alerts moved to known times on `day` (2003-02-DD), a day no other test raises alerts on. */
  async function scene(day: string) {
    const source = `dash-${crypto.randomUUID().slice(0, 8)}`;
    const ids = await Promise.all([
      openAlert(admin, { source_name: source, event_type: "port_scan" }),
      openAlert(admin, { source_name: source, event_type: "port_scan" }),
      openAlert(admin, { source_name: `${source}-b`, event_type: "dcsync", severity: "Critical" }),
    ]);
    const times = ["01:10:00", "01:50:00", "03:05:00"].map((t) => `2003-02-${day}T${t}Z`);
    for (const [i, id] of ids.entries()) {
      await db().execute(sql`update alerts set created_at = ${times[i]}::timestamptz where id = ${id}`);
    }
    await db().execute(sql`
      update alerts set status = 'Acknowledged', acknowledged_at = created_at + interval '60 seconds' where id = ${ids[0]}`);
    await db().execute(sql`
      update alerts set status = 'Resolved', acknowledged_at = created_at + interval '120 seconds',
        resolved_at = created_at + interval '600 seconds' where id = ${ids[1]}`);
    return source;
  }
  const range = (day: string) => `created_after=2003-02-${day}T00:30:00Z&created_before=2003-02-${day}T04:00:00Z`;

  it("bucket=hour: every hour of the range, empty ones included, stacked by severity, with means per hour", async () => {
    await scene("14");
    const { body, res } = await stats(`${range("14")}&bucket=hour`);
    expect(roundTrips(res)).toBe(1);
    expect(body.total).toBe(3);
    expect(body.series?.map((b) => [b.start, b.total, b.by_severity.High, b.by_severity.Critical])).toEqual([
      ["2003-02-14T00:00:00.000000Z", 0, 0, 0],
      ["2003-02-14T01:00:00.000000Z", 2, 2, 0],
      ["2003-02-14T02:00:00.000000Z", 0, 0, 0],
      ["2003-02-14T03:00:00.000000Z", 1, 0, 1],
      ["2003-02-14T04:00:00.000000Z", 0, 0, 0],
    ]);
    expect(body.series?.[1]).toMatchObject({ mean_seconds_to_acknowledge: 90, mean_seconds_to_resolve: 600 });
    expect(body.series?.[3]).toMatchObject({ mean_seconds_to_acknowledge: null, mean_seconds_to_resolve: null });
    expect(body).not.toHaveProperty("groups");
  });

  it("bucket=day buckets by UTC day", async () => {
    const { body } = await stats("created_after=2003-02-13T12:00:00Z&created_before=2003-02-15T00:00:00Z&bucket=day");
    expect(body.series?.map((b) => b.start)).toEqual([
      "2003-02-13T00:00:00.000000Z",
      "2003-02-14T00:00:00.000000Z",
      "2003-02-15T00:00:00.000000Z",
    ]);
    expect(body.series?.[1]?.total).toBe(body.total);
  });

  it("group_by counts the largest groups of each grouping asked, largest first, top of them", async () => {
    const source = await scene("15");
    const { body, res } = await stats(`${range("15")}&group_by=source_name,event_type,severity&top=1`);
    expect(roundTrips(res)).toBe(1);
    expect(body.groups).toEqual({
      source_name: [{ key: source, count: 2 }],
      event_type: [{ key: "port_scan", count: 2 }],
      severity: [{ key: "High", count: 2 }],
    });
    const all = await stats(`${range("15")}&group_by=source_name`);
    expect(all.body.groups).toEqual({
      source_name: [
        { key: source, count: 2 },
        { key: `${source}-b`, count: 1 },
      ],
    });
    expect(all.body).not.toHaveProperty("series");
  });

  it("group_by=tag counts alerts per tag they carry (an alert once per tag, however many of its events carry it)", async () => {
    const t = `st-${crypto.randomUUID().slice(0, 8)}`;
    const key = `stats-tags-${t}`;
    const ids = await Promise.all([
      openAlert(admin, { tags: [`${t}-a`, `${t}-b`], dedup_key: key }),
      openAlert(admin, { tags: [`${t}-a`] }),
      openAlert(admin, {}),
      openAlert(admin, { tags: [`${t}-c`], severity: "Critical" }),
    ]);
    // Joins the first alert: the union of its events' tags grows by one, and -a is not counted twice.
    expect(await openAlert(admin, { tags: [`${t}-a`, `${t}-d`], dedup_key: key })).toBe(ids[0]);
    for (const id of ids) {
      await db().execute(sql`update alerts set created_at = '2003-02-16T02:00:00Z' where id = ${id}`);
    }
    const { body, res } = await stats(`${range("16")}&group_by=tag,severity`);
    expect(roundTrips(res)).toBe(1);
    expect(body.total).toBe(4);
    expect(body.groups).toEqual({
      tag: [
        { key: `${t}-a`, count: 2 },
        { key: `${t}-b`, count: 1 },
        { key: `${t}-c`, count: 1 },
        { key: `${t}-d`, count: 1 },
      ],
      severity: [
        { key: "High", count: 3 },
        { key: "Critical", count: 1 },
      ],
    });
    expect((await stats(`${range("16")}&group_by=tag&top=2`)).body.groups).toEqual({
      tag: [
        { key: `${t}-a`, count: 2 },
        { key: `${t}-b`, count: 1 },
      ],
    });
    // A range holding only the untagged alert: no tag groups at all.
    await db().execute(sql`update alerts set created_at = '2003-02-17T02:00:00Z' where id = ${ids[2]}`);
    expect((await stats(`${range("17")}&group_by=tag`)).body).toMatchObject({ total: 1, groups: { tag: [] } });
  });

  it("refuses a series without a start, one over 1000 buckets, and unknown buckets or groupings (400)", async () => {
    const cases: [string, string][] = [
      ["bucket=hour", "created_after"],
      ["bucket=hour&created_after=2003-01-01T00:00:00Z&created_before=2003-03-01T00:00:00Z", "bucket"],
      ["bucket=week&created_after=2003-01-01T00:00:00Z", "bucket"],
      ["group_by=source_name,assignee", "group_by"],
      ["group_by=tags", "group_by"],
      ["group_by=source_name&top=0", "top"],
      ["group_by=source_name&top=101", "top"],
    ];
    for (const [query, field] of cases) {
      const res = await api(`/api/alerts/stats/?${query}`, { token: admin.token });
      expect(res.status, query).toBe(400);
      expect(Object.keys((await problem(res)).errors as object), query).toEqual([field]);
    }
    // 1000 hour buckets is the most: fine.
    const edge = "bucket=hour&created_after=2003-01-01T00:00:00Z&created_before=2003-02-11T15:00:00Z";
    expect((await stats(edge)).body.series).toHaveLength(1000);
  });

  it("is one scan of the alerts by the created_at index when a range is given, tags included", async () => {
    const statement = statsStatement(
      StatsQuerySchema.parse({
        created_after: "2003-02-14T00:00:00Z",
        created_before: "2003-02-15T00:00:00Z",
        bucket: "hour",
        group_by: "source_name,severity,tag",
      }),
    );
    const [, plan] = await db().batch([
      db().execute(sql`set local enable_seqscan = off`),
      db().execute(sql`explain ${statement}`),
    ]);
    const text = JSON.stringify(plan.rows);
    expect(text).toContain("alerts_created_idx");
    expect(text.match(/on alerts a\b/g)).toHaveLength(1);
  });
});
