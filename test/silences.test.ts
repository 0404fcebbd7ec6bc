import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createUser, db, problem, type TestUser } from "./helpers";

/**
 * Issue 17, part 1: silences (maintenance windows). Every silence here names a source unique to
 * its test, so it can silence nothing of any other test's.
 */
let admin: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
});

type Silence = {
  id: number;
  matchers: unknown[];
  starts_at: string;
  ends_at: string;
  comment: string;
  state: string;
  suppressed_count: number;
  created_by: string | null;
};
type Event = { id: number; alert: { id: number; status: string } | null; silenced_by: number | null };

const source = () => `maint-${crypto.randomUUID().slice(0, 8)}`;
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const bySource = (name: string) => ({ field: "source_name", op: "eq", value: name });

async function silence(body: Record<string, unknown>): Promise<Silence> {
  const res = await api("/api/silences/", {
    token: admin.token,
    json: { ends_at: inHours(2), comment: "planned maintenance", ...body },
  });
  if (res.status !== 201) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as Silence;
}
async function send(fields: Record<string, unknown>): Promise<Event> {
  const res = await api("/api/events/", {
    token: admin.token,
    json: { event_type: "port_scan", severity: "High", ...fields },
  });
  if (res.status !== 201) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as Event;
}
const historyOf = async (alertId: number) =>
  Number(
    (await db().execute<{ n: string }>(sql`select count(*) as n from alert_history where alert_id = ${alertId}`))
      .rows[0]?.n,
  );
const alertRow = async (id: number) =>
  (
    await db().execute<{ event_count: number; severity: string; status: string }>(
      sql`select event_count, severity, status from alerts where id = ${id}`,
    )
  ).rows[0];
const silenceCount = async () =>
  Number((await db().execute<{ n: string }>(sql`select count(*) as n from silences`)).rows[0]?.n);

describe("silences: the resource", () => {
  it("admins create (201, Location, derived state), analysts read, keys never", async () => {
    const name = source();
    const res = await api("/api/silences/", {
      token: admin.token,
      json: { matchers: [bySource(name)], ends_at: inHours(1), comment: "firmware upgrade" },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Silence;
    expect(res.headers.get("Location")).toBe(`/api/silences/${created.id}/`);
    expect(created).toMatchObject({
      matchers: [bySource(name)],
      comment: "firmware upgrade",
      state: "active",
      suppressed_count: 0,
      created_by: admin.username,
    });
    expect(Date.parse(created.starts_at)).toBeLessThanOrEqual(Date.now());

    const read = await api(`/api/silences/${created.id}/`, { token: analyst.token });
    expect(read.status).toBe(200);
    expect(((await read.json()) as Silence).id).toBe(created.id);
    const list = await api("/api/silences/?state=active&page_size=100", { token: analyst.token });
    expect(((await list.json()) as { results: Silence[] }).results.map((s) => s.id)).toContain(created.id);
    expect((await api("/api/silences/", { token: analyst.token, json: { matchers: [bySource(name)] } })).status).toBe(
      403,
    );
    const reader = await createKey(admin, { scopes: ["read"] });
    expect((await api("/api/silences/", { token: reader.key })).status).toBe(403);
  });

  it("a pending silence silences nothing until it starts; the state filter sees it", async () => {
    const name = source();
    const pending = await silence({ matchers: [bySource(name)], starts_at: inHours(1), ends_at: inHours(3) });
    expect(pending.state).toBe("pending");
    const event = await send({ source_name: name });
    expect(event).toMatchObject({ silenced_by: null, alert: { status: "Open" } });
    const list = (await (await api("/api/silences/?state=pending&page_size=100", { token: admin.token })).json()) as {
      results: Silence[];
    };
    expect(list.results.map((s) => s.id)).toContain(pending.id);
    expect(list.results.every((s) => s.state === "pending")).toBe(true);
  });

  it("refuses every invalid matcher and window with a 400 naming the field, writing nothing", async () => {
    const name = source();
    const cases: [Record<string, unknown>, string][] = [
      [{ matchers: [] }, "matchers"],
      [{ matchers: Array.from({ length: 11 }, () => bySource(name)) }, "matchers"],
      [{ matchers: [{ field: "hostname", op: "eq", value: "x" }] }, "matchers.0.field"],
      [{ matchers: [{ field: "metadata.", op: "eq", value: "x" }] }, "matchers.0.field"],
      [{ matchers: [{ field: "metadata.a b", op: "eq", value: "x" }] }, "matchers.0.field"],
      [{ matchers: [{ field: "source_name", op: "regex", value: ".*" }] }, "matchers.0.op"],
      [{ matchers: [{ field: "source_name", op: "eq", value: "" }] }, "matchers.0.value"],
      [{ matchers: [{ field: "source_name", op: "eq", value: ["a"] }] }, "matchers.0.value"],
      [{ matchers: [{ field: "source_name", op: "in", value: "a" }] }, "matchers.0.value"],
      [{ matchers: [{ field: "source_name", op: "in", value: [] }] }, "matchers.0.value"],
      [{ matchers: [{ field: "source_name", op: "in", value: Array(51).fill("a") }] }, "matchers.0.value"],
      [{ matchers: [{ field: "source_name", op: "eq", value: "a".repeat(256) }] }, "matchers.0.value"],
      [{ matchers: [{ field: "source_name", op: "eq", value: "a\u0000" }] }, "matchers.0.value"],
      [{ matchers: [{ field: "severity", op: "eq", value: "Severe" }] }, "matchers.0.value"],
      [
        { matchers: [bySource(name), { field: "severity", op: "in", value: ["High", "Urgent"] }] },
        "matchers.1.value.1",
      ],
      [{ matchers: [{ field: "severity", op: "glob", value: "H*" }] }, "matchers.0.op"],
      [{ matchers: [{ ...bySource(name), extra: 1 }] }, "matchers.0.extra"],
      [{ matchers: [bySource(name)], ends_at: new Date(Date.now() - 60_000).toISOString() }, "ends_at"],
      [{ matchers: [bySource(name)], starts_at: inHours(3), ends_at: inHours(2) }, "ends_at"],
      [{ matchers: [bySource(name)], ends_at: inHours(24 * 30 + 1) }, "ends_at"],
      [{ matchers: [bySource(name)], ends_at: "tomorrow" }, "ends_at"],
      [{ matchers: [bySource(name)], comment: "   " }, "comment"],
      [{ matchers: [bySource(name)], comment: undefined }, "comment"],
    ];
    const before = await silenceCount();
    for (const [body, field] of cases) {
      const res = await api("/api/silences/", {
        token: admin.token,
        json: { ends_at: inHours(2), comment: "planned", ...body },
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const errors = ((await problem(res)) as { errors: Record<string, string[]> }).errors;
      expect(Object.keys(errors), JSON.stringify(body)).toContain(field);
    }
    expect(await silenceCount()).toBe(before);
  });

  it("DELETE ends it now and keeps the row and its count; PATCH changes it; an expired one cannot change (409)", async () => {
    const name = source();
    const s = await silence({ matchers: [bySource(name)] });
    await send({ source_name: name });
    const patched = await api(`/api/silences/${s.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { comment: "extended", ends_at: inHours(5) },
    });
    expect(patched.status).toBe(200);
    expect((await patched.json()) as Silence).toMatchObject({ comment: "extended", state: "active" });
    const badWindow = await api(`/api/silences/${s.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { starts_at: inHours(6) },
    });
    expect(badWindow.status).toBe(400);
    expect(Object.keys(((await problem(badWindow)) as { errors: object }).errors)).toEqual(["ends_at"]);

    expect((await api(`/api/silences/${s.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    const ended = (await (await api(`/api/silences/${s.id}/`, { token: admin.token })).json()) as Silence;
    expect(ended).toMatchObject({ state: "expired", suppressed_count: 1, comment: "extended" });
    expect(Date.parse(ended.ends_at)).toBeLessThanOrEqual(Date.now());
    // Ended: the next event alerts again.
    expect(await send({ source_name: name })).toMatchObject({ silenced_by: null, alert: { status: "Open" } });
    const late = await api(`/api/silences/${s.id}/`, { method: "PATCH", token: admin.token, json: { comment: "x" } });
    expect(late.status).toBe(409);
    expect((await api(`/api/silences/${s.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    expect((await api("/api/silences/2147483647/", { method: "DELETE", token: admin.token })).status).toBe(404);

    // A pending one ended never starts.
    const pending = await silence({ matchers: [bySource(name)], starts_at: inHours(1) });
    expect((await api(`/api/silences/${pending.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    const never = (await (await api(`/api/silences/${pending.id}/`, { token: admin.token })).json()) as Silence;
    expect(never.state).toBe("expired");
  });
});

describe("silences: at ingest", () => {
  it("a matching event is stored with silenced_by, raising no alert and writing no history", async () => {
    const name = source();
    const s = await silence({ matchers: [bySource(name)] });
    const silenced = await send({ source_name: name, severity: "Critical", description: "x".repeat(30) });
    expect(silenced).toMatchObject({ alert: null, silenced_by: s.id });
    const stored = await db().execute<{ alert_id: string | null; silenced_by: number }>(
      sql`select alert_id, silenced_by from events where id = ${silenced.id}`,
    );
    expect(stored.rows[0]).toEqual({ alert_id: null, silenced_by: s.id });
    const alerts = await db().execute(sql`select 1 from alerts a join events e on e.id = a.event_id
      where e.source_name = ${name}`);
    expect(alerts.rows).toHaveLength(0);
    // Low events are silenced (recorded) too; other sources are not.
    expect(await send({ source_name: name, severity: "Low" })).toMatchObject({ silenced_by: s.id, alert: null });
    expect(await send({ source_name: source() })).toMatchObject({ silenced_by: null, alert: { status: "Open" } });
    const read = (await (await api(`/api/silences/${s.id}/`, { token: admin.token })).json()) as Silence;
    expect(read.suppressed_count).toBe(2);
    const fetched = (await (await api(`/api/events/${silenced.id}/`, { token: admin.token })).json()) as Event;
    expect(fetched.silenced_by).toBe(s.id);
  });

  it("an event joining an open alert under a silence counts in event_count, escalates nothing, publishes nothing", async () => {
    const name = source();
    const key = `maint:${crypto.randomUUID()}`;
    const first = await send({ source_name: name, dedup_key: key });
    if (!first.alert) throw new Error("no alert");
    const historyBefore = await historyOf(first.alert.id);
    const outboxBefore = await db().execute(sql`select id from alert_history where alert_id = ${first.alert.id}`);
    const s = await silence({ matchers: [{ field: "dedup_key", op: "eq", value: key }] });
    const joined = await send({
      source_name: name,
      dedup_key: key,
      severity: "Critical",
      description: "a critical event under the silence",
    });
    expect(joined).toMatchObject({ silenced_by: s.id, alert: { id: first.alert.id } });
    expect(await alertRow(first.alert.id)).toMatchObject({ event_count: 2, severity: "High", status: "Open" });
    expect(await historyOf(first.alert.id)).toBe(historyBefore);
    expect(outboxBefore.rows).toHaveLength(historyBefore);
    // A batch: two silenced events for the key, and one unsilenced of another source on a new key.
    const other = source();
    const batch = await api("/api/events/batch/", {
      token: admin.token,
      json: [
        { source_name: name, event_type: "t", severity: "High", dedup_key: key },
        { source_name: other, event_type: "t", severity: "High", dedup_key: `${key}-other` },
        { source_name: name, event_type: "t", severity: "High", dedup_key: key },
      ],
    });
    expect(batch.status).toBe(200);
    const results = ((await batch.json()) as { results: { alert: { id: number } | null }[] }).results;
    expect(results[0]?.alert?.id).toBe(first.alert.id);
    expect(results[2]?.alert?.id).toBe(first.alert.id);
    expect(results[1]?.alert?.id).not.toBe(first.alert.id);
    expect(await alertRow(first.alert.id)).toMatchObject({ event_count: 4, severity: "High" });
    expect(await historyOf(first.alert.id)).toBe(historyBefore);
  });

  it("a key with silenced and unsilenced events in one batch opens one alert, escalated only by the unsilenced", async () => {
    const name = source();
    const key = `mixed:${crypto.randomUUID()}`;
    await silence({ matchers: [bySource(name), { field: "metadata.zone", op: "eq", value: "lab" }] });
    const batch = await api("/api/events/batch/", {
      token: admin.token,
      json: [
        {
          source_name: name,
          event_type: "t",
          severity: "Critical",
          description: "c".repeat(25),
          dedup_key: key,
          metadata: { zone: "lab" },
        },
        { source_name: name, event_type: "t", severity: "High", dedup_key: key, metadata: { zone: "prod" } },
      ],
    });
    const results = ((await batch.json()) as { results: { id: number; alert: { id: number } | null }[] }).results;
    const alertId = results[1]?.alert?.id;
    expect(alertId).toBeDefined();
    expect(results[0]?.alert?.id).toBe(alertId);
    expect(await alertRow(alertId as number)).toMatchObject({ event_count: 2, severity: "High" });
    const events = await db().execute<{ id: string; silenced_by: number | null }>(
      sql`select id, silenced_by from events where dedup_key = ${key} order by id`,
    );
    expect(events.rows.map((r) => r.silenced_by !== null)).toEqual([true, false]);
  });

  it("each op as documented: eq, ne, in, glob (metacharacters literal), metadata keys; all must hold", async () => {
    const name = source();
    const s = await silence({
      matchers: [
        { field: "source_name", op: "glob", value: `${name}-fw_?*` },
        { field: "event_type", op: "in", value: ["port_scan", "brute_force"] },
        { field: "severity", op: "ne", value: "Critical" },
        { field: "metadata.site", op: "ne", value: "hq" },
      ],
    });
    const silencedBy = async (fields: Record<string, unknown>) => (await send(fields)).silenced_by;
    expect(await silencedBy({ source_name: `${name}-fw_1-edge` })).toBe(s.id);
    expect(await silencedBy({ source_name: `${name}-fw_1`, metadata: { site: "branch" } })).toBe(s.id);
    expect(await silencedBy({ source_name: `${name}-fw_1`, event_type: "brute_force" })).toBe(s.id);
    // `_` is literal, `?` needs one character, and every matcher must hold.
    expect(await silencedBy({ source_name: `${name}-fwx1` })).toBeNull();
    expect(await silencedBy({ source_name: `${name}-fw_` })).toBeNull();
    expect(await silencedBy({ source_name: `${name}-fw_1`, event_type: "malware" })).toBeNull();
    expect(await silencedBy({ source_name: `${name}-fw_1`, metadata: { site: "hq" } })).toBeNull();
    expect(
      await silencedBy({ source_name: `${name}-fw_1`, severity: "Critical", description: "d".repeat(25) }),
    ).toBeNull();
    // Case-sensitive, and a metadata eq on a missing key never holds.
    const strict = await silence({
      matchers: [bySource(`${name}-CASE`), { field: "metadata.n", op: "eq", value: "7" }],
    });
    expect(await silencedBy({ source_name: `${name}-case`, metadata: { n: 7 } })).toBeNull();
    expect(await silencedBy({ source_name: `${name}-CASE` })).toBeNull();
    expect(await silencedBy({ source_name: `${name}-CASE`, metadata: { n: 7 } })).toBe(strict.id);
  });

  it("the rules' parts of the language hold for silences too: tags, exists; and a silence sees what rules did", async () => {
    const name = source();
    const byTag = await silence({ matchers: [bySource(name), { field: "tags", op: "eq", value: "lab" }] });
    const noHost = await silence({
      matchers: [bySource(`${name}-b`), { field: "metadata.host", op: "exists", value: false }],
    });
    expect((await send({ source_name: name, tags: ["lab", "x"] })).silenced_by).toBe(byTag.id);
    expect((await send({ source_name: name, tags: ["prod"] })).silenced_by).toBeNull();
    expect((await send({ source_name: `${name}-b` })).silenced_by).toBe(noHost.id);
    expect((await send({ source_name: `${name}-b`, metadata: { host: "h" } })).silenced_by).toBeNull();
    expect(byTag.matchers).toEqual([bySource(name), { field: "tags", op: "eq", value: "lab" }]);
    // A tag a rule adds is one the silence sees (rules run first).
    const rule = await api("/api/rules/", {
      token: admin.token,
      json: { name: "lab segment", conditions: [bySource(`${name}-c`)], actions: { add_tags: ["lab"] } },
    });
    expect(rule.status).toBe(201);
    const ruleId = ((await rule.json()) as { id: number }).id;
    try {
      const byRuleTag = await silence({ matchers: [bySource(`${name}-c`), { field: "tags", op: "eq", value: "lab" }] });
      expect((await send({ source_name: `${name}-c` })).silenced_by).toBe(byRuleTag.id);
    } finally {
      await api(`/api/rules/${ruleId}/`, { method: "DELETE", token: admin.token });
    }
  });

  it("GET /api/events/?silenced= filters by it", async () => {
    const name = source();
    const s = await silence({ matchers: [bySource(name), { field: "event_type", op: "eq", value: "noisy" }] });
    const quiet = await send({ source_name: name, event_type: "noisy" });
    const loud = await send({ source_name: name, event_type: "loud" });
    const page = async (silenced: string) =>
      (
        (await (await api(`/api/events/?source_name=${name}&silenced=${silenced}`, { token: admin.token })).json()) as {
          results: Event[];
        }
      ).results.map((e) => e.id);
    expect(await page("true")).toEqual([quiet.id]);
    expect(await page("false")).toEqual([loud.id]);
    expect(quiet.silenced_by).toBe(s.id);
    const bad = await api("/api/events/?silenced=yes", { token: admin.token });
    expect(bad.status).toBe(400);
  });

  it("ingest racing silence creation: every event is silenced or alerting, never both, never lost", async () => {
    const name = source();
    const sends = Array.from({ length: 40 }, (_, i) =>
      api("/api/events/", {
        token: admin.token,
        json: {
          source_name: name,
          event_type: "race",
          severity: "High",
          dedup_key: i % 2 ? `race:${name}` : undefined,
        },
      }),
    );
    const [created, ...responses] = await Promise.all([
      (async () => {
        await new Promise((r) => setTimeout(r, 5));
        return silence({ matchers: [bySource(name)] });
      })(),
      ...sends,
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(201));
    const { rows } = await db().execute<{ silenced_by: number | null; alert_id: string | null; n: string }>(sql`
      select silenced_by, alert_id, count(*) as n from events where source_name = ${name}
      group by silenced_by, alert_id`);
    const total = rows.reduce((n, r) => n + Number(r.n), 0);
    expect(total).toBe(40);
    for (const row of rows) {
      // Silenced ones without a key have no alert; keyed ones may join the keyed alert opened before.
      if (row.silenced_by !== null) expect(row.silenced_by).toBe(created.id);
      else expect(row.alert_id).not.toBeNull();
    }
    // Nothing silenced was published: no history row names an event that was silenced.
    const leaked = await db().execute(sql`
      select 1 from alerts a join events e on e.id = a.event_id where e.source_name = ${name} and e.silenced_by is not null`);
    expect(leaked.rows).toHaveLength(0);
  });
});
