import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openAlert } from "./factories";
import { api, createUser, db, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
});

type Result = { id: number; status: number; alert?: { status: string; assignee: string | null }; detail?: string };
const bulk = (body: unknown) => api("/api/alerts/bulk/", { token: admin.token, json: body });

async function rows(ids: number[]) {
  const { rows } = await db().execute<{ id: number; status: string; assignee_id: number | null; changes: number }>(sql`
    select a.id::int, a.status, a.assignee_id,
           (select count(*)::int from alert_history h where h.alert_id = a.id and h.action <> 'created') as changes
    from alerts a where a.id = any(${`{${ids.join(",")}}`}::bigint[]) order by a.id`);
  return rows;
}

describe("bulk actions (contract section 12)", () => {
  it("mixed outcomes per id, in the order of ids, in one round trip; history per changed alert", async () => {
    const [open, resolved, alreadyAcked] = [await openAlert(admin), await openAlert(admin), await openAlert(admin)];
    await api(`/api/alerts/${resolved}/`, { method: "PATCH", token: admin.token, json: { status: "Resolved" } });
    await api(`/api/alerts/${alreadyAcked}/`, {
      method: "PATCH",
      token: admin.token,
      json: { status: "Acknowledged" },
    });
    const res = await bulk({
      ids: [resolved, 999_999_999, open, alreadyAcked],
      status: "Acknowledged",
      assignee: analyst.username,
    });
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(1);
    const { results } = (await res.json()) as { results: Result[] };
    expect(results.map((r) => [r.id, r.status])).toEqual([
      [resolved, 409],
      [999_999_999, 404],
      [open, 200],
      [alreadyAcked, 200],
    ]);
    expect(results[0]).toMatchObject({
      alert: { status: "Resolved", assignee: null },
      detail: expect.stringMatching(/final/),
    });
    expect(results[2]?.alert).toMatchObject({ status: "Acknowledged", assignee: analyst.username });
    expect(await rows([open, resolved, alreadyAcked])).toEqual(
      [
        { id: open, status: "Acknowledged", assignee_id: analyst.id, changes: 2 },
        { id: resolved, status: "Resolved", assignee_id: null, changes: 1 },
        { id: alreadyAcked, status: "Acknowledged", assignee_id: analyst.id, changes: 2 },
      ].sort((a, b) => a.id - b.id),
    );
  });

  it("an unknown assignee refuses the whole request and changes nothing", async () => {
    const id = await openAlert(admin);
    const res = await bulk({ ids: [id], status: "Acknowledged", assignee: "nobody-at-all" });
    expect(res.status).toBe(400);
    expect(await rows([id])).toEqual([{ id, status: "Open", assignee_id: null, changes: 0 }]);
  });

  it("validation: 1..1,000 distinct ids, and a change", async () => {
    for (const body of [
      { ids: [], status: "Open" },
      { ids: [1, 1], status: "Open" },
      { ids: [1] },
      { ids: Array.from({ length: 1001 }, (_, i) => i + 1), status: "Open" },
    ]) {
      expect((await bulk(body)).status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await api("/api/alerts/bulk/", { token: analyst.token, json: { ids: [1], status: "Open" } })).status).toBe(
      403,
    );
  });

  it("the largest bulk (1,000 ids) changes every alert, with its history, in one statement", async () => {
    // Raised straight in the database: 1,000 ingests would take the test most of a minute.
    const source = `bulk-max-${crypto.randomUUID()}`;
    const { rows: raised } = await db().execute<{ id: number }>(sql`
      with e as (
        insert into events (source_name, event_type, severity, description, occurred_at, metadata)
        select ${source}, 't', 'High', '', now(), '{}'::jsonb from generate_series(1, 1000)
        returning id, severity
      )
      insert into alerts (event_id, severity, status) select id, severity, 'Open' from e returning id::int`);
    const ids = raised.map((r) => r.id);
    const res = await bulk({ ids, status: "Acknowledged" });
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(1);
    const { results } = (await res.json()) as { results: Result[] };
    expect(results.map((r) => r.id)).toEqual(ids);
    expect(results.every((r) => r.status === 200 && r.alert?.status === "Acknowledged")).toBe(true);
    const { rows: after } = await db().execute<{ acknowledged: number; changes: number }>(sql`
      select count(*) filter (where a.status = 'Acknowledged')::int as acknowledged,
             (select count(*)::int from alert_history h
              where h.alert_id = any(${`{${ids.join(",")}}`}::bigint[]) and h.action = 'status_changed'
                and h.published_at is not null) as changes
      from alerts a where a.id = any(${`{${ids.join(",")}}`}::bigint[])`);
    expect(after).toEqual([{ acknowledged: 1000, changes: 1000 }]);
  });

  it("concurrent bulk actions and PATCHes never reopen a resolved alert", async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => openAlert(admin)));
    const requests = [];
    for (let i = 0; i < 10; i++) {
      requests.push(bulk({ ids: i % 2 ? ids : [...ids].reverse(), status: i % 3 ? "Resolved" : "Investigating" }));
      const one = ids[i] ?? 0;
      requests.push(
        api(`/api/alerts/${one}/`, { method: "PATCH", token: admin.token, json: { status: "Acknowledged" } }),
      );
    }
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const final = await rows(ids);
    expect(final.every((r) => r.status === "Resolved")).toBe(true);
    // Once Resolved, nothing moved it: its last status change is the one to Resolved.
    const { rows: last } = await db().execute<{ to_value: string }>(sql`
      select distinct on (alert_id) to_value from alert_history
      where action = 'status_changed' and alert_id = any(${`{${ids.join(",")}}`}::bigint[])
      order by alert_id, id desc`);
    expect(last.every((r) => r.to_value === "Resolved")).toBe(true);
  });
});
