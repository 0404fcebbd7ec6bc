import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openAlert } from "./factories";
import { api, createUser, db, roundTrips, type TestUser } from "./helpers";

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
