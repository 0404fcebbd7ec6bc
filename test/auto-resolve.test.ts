import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, getConfig } from "../src/env";
import { runScheduled } from "../src/scheduled";
import { api, createUser, db, type TestUser } from "./helpers";

/** Issue 17, part 3: auto-resolve by the scheduled sweep (AUTO_RESOLVE_AFTER). */
let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const resolvingAfter = (value: string) => ({ ...env, AUTO_RESOLVE_AFTER: value }) as Cloudflare.Env;
const idList = (ids: number[]) => `{${ids.join(",")}}`;
async function raise(fields: Record<string, unknown> = {}): Promise<number> {
  const res = await api("/api/events/", {
    token: admin.token,
    json: { source_name: `stale-${crypto.randomUUID().slice(0, 8)}`, event_type: "t", severity: "High", ...fields },
  });
  return ((await res.json()) as { alert: { id: number } }).alert.id;
}
/** As if the alert's last event came `hours` ago. */
const age = (ids: number[], hours: number) =>
  db().execute(
    sql`update alerts set last_event_at = now() - make_interval(hours => ${hours}) where id = any(${idList(ids)}::bigint[])`,
  );
const statuses = async (ids: number[]) =>
  (
    await db().execute<{ id: string; status: string; resolved_at: string | null }>(
      sql`select id, status, resolved_at from alerts where id = any(${idList(ids)}::bigint[]) order by id`,
    )
  ).rows;

describe("auto-resolve (AUTO_RESOLVE_AFTER)", () => {
  it("is off by default: nothing is resolved, however old", async () => {
    const id = await raise();
    await age([id], 10_000);
    await runScheduled(env);
    expect((await statuses([id]))[0]?.status).toBe("Open");
    // Resolved so that later tests' sweeps see only their own stale alerts.
    await api(`/api/alerts/${id}/`, { method: "PATCH", token: admin.token, json: { status: "Resolved" } });
  });

  it("resolves, as system and published at once, unresolved alerts with no event for that long; nothing else", async () => {
    const [stale, acknowledged, young] = [await raise(), await raise(), await raise()];
    await api(`/api/alerts/${acknowledged}/`, {
      method: "PATCH",
      token: admin.token,
      json: { status: "Acknowledged" },
    });
    await age([stale, acknowledged], 3);
    await age([young], 1);
    const swept = await runScheduled(resolvingAfter("2h"));
    expect(swept.resolved).toBe(2);
    const rows = await statuses([stale, acknowledged, young]);
    expect(rows.map((r) => r.status)).toEqual(["Resolved", "Resolved", "Open"]);
    expect(rows[0]?.resolved_at).not.toBeNull();
    const history = await db().execute<{
      actor_type: string;
      from_value: string;
      to_value: string;
      published: boolean;
    }>(sql`
      select actor_type, from_value, to_value, published_at is not null as published from alert_history
      where alert_id = any(${idList([stale, acknowledged])}::bigint[]) and action = 'status_changed' and to_value = 'Resolved'
      order by alert_id`);
    expect(history.rows).toEqual([
      { actor_type: "system", from_value: "Open", to_value: "Resolved", published: true },
      { actor_type: "system", from_value: "Acknowledged", to_value: "Resolved", published: true },
    ]);
    // An event since then keeps an alert open: it is judged on the alert's last event.
    const key = `stale:${crypto.randomUUID()}`;
    const joined = await raise({ dedup_key: key });
    await age([joined], 3);
    expect(await raise({ dedup_key: key })).toBe(joined);
    expect((await runScheduled(resolvingAfter("2h"))).resolved).toBe(0);
    expect((await statuses([joined, young]))[0]?.status).toBe("Open");
    await api("/api/alerts/bulk/", { token: admin.token, json: { ids: [joined, young], status: "Resolved" } });
  });

  it("works in bounded batches: at most 1,000 alerts per sweep, the oldest first", async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      source_name: `bulk-stale-${i}`,
      event_type: "t",
      severity: "High",
    }));
    const ids: number[] = [];
    for (const batch of [items, items.slice(0, 5)]) {
      const res = await api("/api/events/batch/", { token: admin.token, json: batch });
      const { results } = (await res.json()) as { results: { alert: { id: number } }[] };
      ids.push(...results.map((r) => r.alert.id));
    }
    await age(ids.slice(0, 1000), 4);
    await age(ids.slice(1000), 5);
    expect((await runScheduled(resolvingAfter("2h"))).resolved).toBe(1000);
    const first = await statuses(ids);
    // The five oldest went first.
    expect(first.slice(1000).every((r) => r.status === "Resolved")).toBe(true);
    expect(first.filter((r) => r.status === "Open")).toHaveLength(5);
    expect((await runScheduled(resolvingAfter("2h"))).resolved).toBe(5);
    expect((await statuses(ids)).every((r) => r.status === "Resolved")).toBe(true);
  });

  it("a malformed AUTO_RESOLVE_AFTER is a configuration error naming it", () => {
    for (const bad of ["3 days", "0h", "72", "-1h", "1y", "366d"]) {
      expect(() => getConfig({ ...env, AUTO_RESOLVE_AFTER: bad }), bad).toThrow(ConfigError);
      expect(() => getConfig({ ...env, AUTO_RESOLVE_AFTER: bad }), bad).toThrow(/AUTO_RESOLVE_AFTER/);
    }
    expect(getConfig({ ...env, AUTO_RESOLVE_AFTER: "72h" }).AUTO_RESOLVE_AFTER).toBe(72 * 3600);
    expect(getConfig({ ...env, AUTO_RESOLVE_AFTER: "90m" }).AUTO_RESOLVE_AFTER).toBe(90 * 60);
    expect(getConfig({ ...env, AUTO_RESOLVE_AFTER: "off" }).AUTO_RESOLVE_AFTER).toBeNull();
  });
});
