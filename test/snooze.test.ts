import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { ingest as ingestStatement } from "../src/events/ingest";
import { EventCreateSchema } from "../src/events/schemas";
import { runScheduled } from "../src/scheduled";
import { openAlert } from "./factories";
import { api, createUser, db, problem, type TestUser } from "./helpers";

/** Issue 17, part 3: snooze (PATCH snoozed_until), its queues, its quiet, its wake-ups. */
let admin: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
});

const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const patch = (id: number, json: unknown, token = analyst.token) =>
  api(`/api/alerts/${id}/`, { method: "PATCH", token, json });
type Row = {
  action: string;
  actor_type: string;
  actor_name: string;
  from_value: string | null;
  to_value: string | null;
};
// Quiet rows are written published by their own statement (published_at = at); the publisher's
// claim comes later, in another transaction (a row it has not claimed yet is not quiet either).
type HistoryRow = Row & { reason: string | null; published: boolean; quiet: boolean };
const history = async (id: number, action: string) =>
  (
    await db().execute<HistoryRow>(sql`
      select action, actor_type, actor_name, from_value, to_value, reason, published_at is not null as published,
             coalesce(published_at = at, false) as quiet
      from alert_history where alert_id = ${id} and action = ${action}::history_action order by id`)
  ).rows;
const stored = async (id: number) =>
  (
    await db().execute<{ snoozed: boolean; snoozed_until: string | null; event_count: number; severity: string }>(sql`
      select snoozed_until > now() as snoozed, snoozed_until, event_count, severity from alerts where id = ${id}`)
  ).rows[0];
/**
 * An ingest by the admin through the ingest statement itself, to see what it hands the publisher:
 * the alerts it notifies of (a notice each; the webhook deliveries are written for the same ones).
 */
async function ingestNotifying(fields: Record<string, unknown>) {
  const event = {
    source_name: `snooze-${crypto.randomUUID()}`,
    event_type: "brute_force",
    severity: "High",
    ...fields,
  };
  const result = await ingestStatement(db(), {
    mode: "single",
    items: [{ index: 0, event: EventCreateSchema.parse(event) }],
    failures: [],
    sender: { type: "user", id: admin.id, name: admin.username, role: "admin" },
    idempotency: null,
  });
  if (result.outcome !== "stored") throw new Error("not stored");
  return {
    alertId: (result.body as { alert: { id: number } | null }).alert?.id,
    notified: (result.out.notices ?? []).map((n) => ({ type: n.type, id: n.alert.id })),
  };
}

const listIds = async (query: string) => {
  const res = await api(`/api/alerts/?page_size=100&${query}`, { token: analyst.token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { id: number }[] }).results.map((a) => a.id);
};

describe("snooze", () => {
  it("an analyst may snooze (triage), not change the lifecycle; the snooze is in the body and history", async () => {
    const id = await openAlert(admin);
    const until = inHours(2);
    const res = await patch(id, { snoozed_until: until });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { snoozed_until: string; status: string };
    expect(Date.parse(body.snoozed_until)).toBe(Date.parse(until));
    expect(body.status).toBe("Open");
    expect(await history(id, "snoozed")).toEqual([
      expect.objectContaining({ actor_type: "user", actor_name: analyst.username, from_value: null, reason: null }),
    ]);
    // Snoozing to the same instant again is a no-op; status or assignee from an analyst is 403.
    expect((await patch(id, { snoozed_until: body.snoozed_until })).status).toBe(200);
    expect(await history(id, "snoozed")).toHaveLength(1);
    for (const change of [{ status: "Acknowledged" }, { assignee: null }, { status: "Open", snoozed_until: until }]) {
      const refused = await patch(id, change);
      expect(refused.status, JSON.stringify(change)).toBe(403);
    }
    expect((await stored(id))?.snoozed).toBe(true);
    // Waking it: null clears it, recorded as unsnoozed.
    expect((await patch(id, { snoozed_until: null })).status).toBe(200);
    expect((await stored(id))?.snoozed_until).toBeNull();
    expect((await history(id, "unsnoozed")).map((r) => [r.actor_name, r.to_value])).toEqual([[analyst.username, null]]);
  });

  it("snoozed alerts leave status queues unless snoozed= is asked; lists without status show all", async () => {
    const source = `snooze-list-${crypto.randomUUID()}`;
    const [napping, awake] = [await openAlert(admin, { dedup_key: source }), await openAlert(admin)];
    expect((await patch(napping, { snoozed_until: inHours(1) })).status).toBe(200);
    const open = await listIds("status=Open");
    expect(open).toContain(awake);
    expect(open).not.toContain(napping);
    expect(await listIds(`dedup_key=${source}&status=Open&snoozed=true`)).toEqual([napping]);
    expect(await listIds(`dedup_key=${source}&status=Open&snoozed=any`)).toEqual([napping]);
    expect(await listIds(`dedup_key=${source}&snoozed=false`)).toEqual([]);
    expect(await listIds(`dedup_key=${source}`)).toEqual([napping]);
    const bad = await api("/api/alerts/?snoozed=maybe", { token: analyst.token });
    expect(bad.status).toBe(400);
    expect(((await problem(bad)).errors as Record<string, unknown>).snoozed).toBeDefined();
  });

  it("events grouped into a snoozed alert are counted and recorded, but pushed to no one", async () => {
    const key = `snooze-quiet-${crypto.randomUUID()}`;
    const id = await openAlert(admin, { dedup_key: key });
    await patch(id, { snoozed_until: inHours(1) });
    const joined = await ingestNotifying({ dedup_key: key, severity: "High" });
    expect(joined.alertId).toBe(id);
    expect((await stored(id))?.event_count).toBe(2);
    // Recorded, and written already published: no notice of it for the stream or the webhooks.
    expect((await history(id, "event_grouped")).map((r) => r.published)).toEqual([true]);
    expect(joined.notified).toEqual([]);
    expect((await stored(id))?.snoozed).toBe(true);
  });

  it("a grouped event that raises the severity wakes the alert at once, by system, pushed", async () => {
    const key = `snooze-escalate-${crypto.randomUUID()}`;
    const id = await openAlert(admin, { dedup_key: key });
    await patch(id, { snoozed_until: inHours(3) });
    const joined = await ingestNotifying({
      dedup_key: key,
      severity: "Critical",
      description: "Domain admin credentials seen on a paste site",
    });
    const after = await stored(id);
    expect(after?.severity).toBe("Critical");
    expect(after?.snoozed_until).toBeNull();
    const [woken] = await history(id, "unsnoozed");
    expect(woken).toMatchObject({ actor_type: "system", reason: "Severity rose to Critical.", to_value: null });
    expect(woken?.from_value).not.toBeNull();
    // The grouping that woke it is not quiet: the alert is back in front of people.
    expect(joined.notified).toEqual([{ type: "alert.updated", id }]);
    expect(await listIds(`dedup_key=${key}&status=Open`)).toEqual([id]);
  });

  it("the sweep wakes alerts whose snooze ran out, recorded by system and published", async () => {
    const id = await openAlert(admin);
    await patch(id, { snoozed_until: inHours(1) });
    await db().execute(sql`update alerts set snoozed_until = now() - interval '1 second' where id = ${id}`);
    expect((await runScheduled(env)).woken).toBeGreaterThanOrEqual(1);
    expect((await stored(id))?.snoozed_until).toBeNull();
    expect(await history(id, "unsnoozed")).toEqual([
      expect.objectContaining({ actor_type: "system", reason: "The snooze ran out.", published: true, quiet: false }),
    ]);
    expect((await runScheduled(env)).woken).toBe(0);
  });

  it("resolving wakes; a Resolved alert cannot be snoozed (409); bad instants are 400 naming the field", async () => {
    const id = await openAlert(admin);
    await patch(id, { snoozed_until: inHours(1) });
    expect((await patch(id, { status: "Resolved" }, admin.token)).status).toBe(200);
    expect((await stored(id))?.snoozed_until).toBeNull();
    expect((await history(id, "unsnoozed")).map((r) => [r.actor_name, r.reason])).toEqual([
      [admin.username, "Resolved."],
    ]);
    const refused = await patch(id, { snoozed_until: inHours(1) });
    expect(refused.status).toBe(409);
    expect((await problem(refused)).detail).toMatch(/cannot be snoozed/);

    const open = await openAlert(admin);
    for (const [value, message] of [
      [inHours(7 * 24 + 1), /7 days/],
      [inHours(-1), /future/],
      ["tomorrow", /RFC 3339/],
    ] as const) {
      const res = await patch(open, { snoozed_until: value });
      expect(res.status, value).toBe(400);
      const errors = (await problem(res)).errors as Record<string, string[]>;
      expect(errors.snoozed_until?.[0]).toMatch(message);
    }
    const both = await patch(open, { status: "Resolved", snoozed_until: inHours(1) }, admin.token);
    expect(both.status).toBe(400);
    expect(((await problem(both)).errors as Record<string, string[]>).snoozed_until).toBeDefined();
    expect((await stored(open))?.snoozed_until).toBeNull();
    expect(await history(open, "snoozed")).toEqual([]);
  });

  it("bulk snoozes for analysts too, per alert 200 or 409", async () => {
    const [a, b] = [await openAlert(admin), await openAlert(admin)];
    await patch(b, { status: "Resolved" }, admin.token);
    const res = await api("/api/alerts/bulk/", {
      token: analyst.token,
      json: { ids: [a, b], snoozed_until: inHours(4) },
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { id: number; status: number }[] };
    expect(results.map((r) => r.status)).toEqual([200, 409]);
    expect((await stored(a))?.snoozed).toBe(true);
    const lifecycle = await api("/api/alerts/bulk/", { token: analyst.token, json: { ids: [a], status: "Open" } });
    expect(lifecycle.status).toBe(403);
  });
});
