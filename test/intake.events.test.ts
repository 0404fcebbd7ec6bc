import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduled } from "../src/scheduled";
import type { BatchBody } from "./factories";
import { api, apiWith, createKey, createUser, db, problem, type TestKey, type TestUser } from "./helpers";
import { ecsApacheAccess, ocsfWindows4625 } from "./intake-samples";

/**
 * Issue 19, items 2-4 and the catalog: POST /api/intake/ocsf/ and /api/intake/ecs/ (one object,
 * an array or NDJSON), answered as the batch route answers, and GET /api/intake/.
 */
let admin: TestUser;
let sensor: TestKey;
beforeAll(async () => {
  admin = await createUser("admin");
  sensor = await createKey(admin, { scopes: ["ingest"] });
});

type Body = BatchBody;

const post = (path: string, body: string, contentType: string, token = sensor.key) =>
  api(path, { method: "POST", token, body, headers: { "Content-Type": contentType } });
const NDJSON = "application/x-ndjson";
const JSON_TYPE = "application/json";

async function eventsFrom(source: string) {
  const { rows } = await db().execute<{
    event_type: string;
    severity: string;
    alert: boolean;
    metadata: Record<string, unknown>;
  }>(sql`
    select event_type, severity, alert_id is not null as alert, metadata from events where source_name = ${source} order by id`);
  return rows;
}

/** The sample as another event: its own metadata.uid (an id stored once per key). */
const ocsfEvent = (host: string, fields: Record<string, unknown> = {}) => ({
  ...ocsfWindows4625,
  metadata: { ...ocsfWindows4625.metadata, uid: crypto.randomUUID() },
  device: { hostname: host },
  time: Date.now() - 60_000,
  ...fields,
});
const ecsDoc = (host: string, fields: Record<string, unknown> = {}) => ({
  ...ecsApacheAccess,
  "@timestamp": new Date(Date.now() - 60_000).toISOString(),
  host: { name: host },
  ...fields,
});
const host = () => `host-${crypto.randomUUID()}`;

describe("OCSF receiver (issue 19)", () => {
  it("one object, an array, NDJSON: each event stored as the table maps it, the original kept whole; High alerts", async () => {
    const h = host();
    const one = await post("/api/intake/ocsf/", JSON.stringify(ocsfEvent(h, { severity_id: 4 })), JSON_TYPE);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({
      created: 1,
      failed: 0,
      results: [{ index: 0, status: 201, alert: { status: "Open" } }],
    });
    const array = await post("/api/intake/ocsf/", JSON.stringify([ocsfEvent(h), ocsfEvent(h)]), JSON_TYPE);
    expect(await array.json()).toMatchObject({ created: 2 });
    const lines = `${JSON.stringify(ocsfEvent(h))}\n\n${JSON.stringify(ocsfEvent(h, { severity_id: 5 }))}\n`;
    expect(await (await post("/api/intake/ocsf/", lines, NDJSON)).json()).toMatchObject({ created: 2 });
    const stored = await eventsFrom(h);
    expect(stored.map((e) => [e.event_type, e.severity, e.alert])).toEqual([
      ["class 3002: activity 1", "High", true],
      ["class 3002: activity 1", "Low", false],
      ["class 3002: activity 1", "Low", false],
      ["class 3002: activity 1", "Low", false],
      ["class 3002: activity 1", "Critical", true],
    ]);
    expect(stored[0]?.metadata).toEqual({
      ocsf: {
        ...ocsfEvent(h, { severity_id: 4 }),
        metadata: { ...ocsfWindows4625.metadata, uid: expect.any(String) },
        time: expect.any(Number),
      },
    });
  });

  it("findings with one finding_info.uid group into one alert", async () => {
    const h = host();
    const finding = (n: number) =>
      ocsfEvent(h, {
        class_uid: 2004,
        class_name: "Detection Finding",
        severity_id: 4,
        finding_info: { uid: `f-${h}`, n },
      });
    await post("/api/intake/ocsf/", JSON.stringify([finding(1), finding(2)]), JSON_TYPE);
    await post("/api/intake/ocsf/", JSON.stringify(finding(3)), JSON_TYPE);
    const { rows } = await db().execute<{ event_count: number }>(
      sql`select event_count from alerts where dedup_key = ${`ocsf:f-${h}`}`,
    );
    expect(rows).toEqual([{ event_count: 3 }]);
  });

  it("NUL and lone surrogates are refused wherever they are, naming the field; the item alone", async () => {
    const h = host();
    const body = `[${JSON.stringify(ocsfEvent(h, { actor: { user: { name: "a\u0000b" } } }))},${JSON.stringify(
      ocsfEvent(h),
    ).replace('"message":"', '"message":"\\ud800')},${JSON.stringify(ocsfEvent(h))}]`;
    const res = await post("/api/intake/ocsf/", body, JSON_TYPE);
    expect((await res.json()) as Body).toMatchObject({
      created: 1,
      failed: 2,
      results: [
        { index: 0, status: 400, errors: { "actor.user.name": ["Null characters are not allowed."] } },
        { index: 1, status: 400, errors: { message: ["Surrogate characters are not allowed: U+D800."] } },
        { index: 2, status: 201 },
      ],
    });
    expect(await eventsFrom(h)).toHaveLength(1);
  });

  it("an event kept in metadata is at most 16 KiB: at the limit stored, a byte past it refused alone", async () => {
    const h = host();
    const sized = (bytes: number) => {
      const event = ocsfEvent(h, { pad: "" });
      const size = new TextEncoder().encode(JSON.stringify({ ocsf: event })).byteLength;
      return { ...event, pad: "x".repeat(bytes - size) };
    };
    const res = await post("/api/intake/ocsf/", JSON.stringify([sized(16 * 1024), sized(16 * 1024 + 1)]), JSON_TYPE);
    const body = (await res.json()) as Body;
    expect(body.results.map((r) => r.status)).toEqual([201, 400]);
    expect(body.results[1]?.errors).toEqual({
      non_field_errors: ["As kept in metadata: Must be at most 16 KiB once serialized."],
    });
  });

  it("a body that is not OCSF events at all is 400 pointing at the schema; an empty array too", async () => {
    for (const body of ["42", "[]", "nope"]) {
      const res = await post("/api/intake/ocsf/", body, JSON_TYPE);
      expect(res.status, body).toBe(400);
      expect((await problem(res)).detail).toContain("https://schema.ocsf.io/");
    }
  });
});

describe("ECS receiver (issue 19)", () => {
  it("1,000 NDJSON lines, as a log shipper batches them: 1,000 events; 1,001 is 400 and stores nothing", async () => {
    const h = host();
    const at = new Date(Date.now() - 60_000).toISOString();
    const line = (i: number) =>
      JSON.stringify({
        "@timestamp": at,
        "event.action": `line-${i}`,
        "host.name": h,
        message: "Accepted key for root",
      });
    const lines = (n: number) => Array.from({ length: n }, (_, i) => line(i)).join("\n");
    const res = await post("/api/intake/ecs/", lines(1000), NDJSON);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ created: 1000, failed: 0 });
    const over = await post("/api/intake/ecs/", lines(1001), NDJSON);
    expect(over.status).toBe(400);
    expect(await eventsFrom(h)).toHaveLength(1000);
  });

  it("the body limit is MAX_BATCH_BODY_BYTES: at the limit read, a byte past it 413", async () => {
    const h = host();
    const small = apiWith({ MAX_BATCH_BODY_BYTES: "4096" });
    const line = JSON.stringify(ecsDoc(h, { "event.action": "limit" }));
    const body = (bytes: number) => `${line}\n${" ".repeat(bytes - line.length - 1)}`;
    const send = (text: string) =>
      small("/api/intake/ecs/", { method: "POST", token: sensor.key, body: text, headers: { "Content-Type": NDJSON } });
    expect((await send(body(4096))).status).toBe(200);
    expect((await send(body(4097))).status).toBe(413);
    expect(await eventsFrom(h)).toHaveLength(1);
  });

  it("Logstash's json_batch (an array) and json (one object) work as NDJSON does; a malformed line fails alone", async () => {
    const h = host();
    const doc = ecsDoc(h, { event: { action: "sshd_failed", severity: 80 }, message: "Failed password for root" });
    expect(await (await post("/api/intake/ecs/", JSON.stringify([doc]), JSON_TYPE)).json()).toMatchObject({
      created: 1,
    });
    expect(await (await post("/api/intake/ecs/", JSON.stringify(doc), JSON_TYPE)).json()).toMatchObject({ created: 1 });
    const mixed = await post("/api/intake/ecs/", `${JSON.stringify(doc)}\n{"host":\n`, NDJSON);
    expect(await mixed.json()).toMatchObject({
      created: 1,
      failed: 1,
      results: [
        { index: 0, status: 201 },
        { index: 1, status: 400, errors: { non_field_errors: ["This line is not valid JSON."] } },
      ],
    });
    expect((await eventsFrom(h)).map((e) => [e.event_type, e.severity, e.alert])).toEqual([
      ["sshd_failed", "Critical", true],
      ["sshd_failed", "Critical", true],
      ["sshd_failed", "Critical", true],
    ]);
  });

  it("only the ingest scope sends; a read key is 403 and stores nothing", async () => {
    const reader = await createKey(admin, { scopes: ["read"] });
    const h = host();
    const res = await post("/api/intake/ecs/", JSON.stringify(ecsDoc(h)), JSON_TYPE, reader.key);
    expect(res.status).toBe(403);
    expect(await eventsFrom(h)).toEqual([]);
  });
});

describe("senders' event ids: a batch sent again stores each event once (issue 19)", () => {
  type Result = { index: number; status: number; id?: number | null; alert?: unknown; duplicate?: boolean };
  const ECS = "/api/intake/ecs/";
  /** A High ECS document with its own event.id. */
  const sourced = (h: string, id: string) =>
    ecsDoc(h, { event: { id, action: "sshd_failed", severity: 60 }, message: "Failed password for root" });
  const ndjson = (docs: unknown[]) => docs.map((doc) => JSON.stringify(doc)).join("\n");
  const uuid = () => crypto.randomUUID();

  async function claims(ids: string[]) {
    const { rows } = await db().execute<{ source_id: string; event_id: string }>(sql`
      select source_id, event_id from event_sources
      where source_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)) order by event_id`);
    return rows.map((r) => [r.source_id, Number(r.event_id)]);
  }

  it("sent again after a lost answer: nothing stored twice, each repeat names the event stored for it", async () => {
    const h = host();
    const ids = [uuid(), uuid(), uuid()];
    const body = ndjson(ids.map((id) => sourced(h, id)));
    const first = (await (await post(ECS, body, NDJSON)).json()) as { created: number; results: Result[] };
    expect(first.created).toBe(3);
    const again = await post(ECS, body, NDJSON);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({
      created: 0,
      failed: 0,
      results: first.results.map((r) => ({ index: r.index, status: 200, id: r.id, alert: r.alert, duplicate: true })),
    });
    const stored = await eventsFrom(h);
    expect(stored.map((e) => [e.severity, e.alert])).toEqual([
      ["High", true],
      ["High", true],
      ["High", true],
    ]);
    expect(await claims(ids)).toEqual(ids.map((id, i) => [id, first.results[i]?.id]));
    const { rows } = await db().execute<{ n: string }>(
      sql`select count(*) as n from alerts a join events e on e.id = a.event_id where e.source_name = ${h} and a.event_count = 1`,
    );
    expect(Number(rows[0]?.n)).toBe(3);

    // A batch mixing repeated and new ids stores the new ones only.
    const fresh = uuid();
    const mixed = await post(ECS, ndjson([sourced(h, ids[0] ?? ""), sourced(h, fresh)]), NDJSON);
    expect(await mixed.json()).toMatchObject({
      created: 1,
      results: [
        { index: 0, status: 200, id: first.results[0]?.id, duplicate: true },
        { index: 1, status: 201, id: expect.any(Number) },
      ],
    });
    expect(await eventsFrom(h)).toHaveLength(4);
  });

  it("an id repeated inside one batch is stored once; the repeat names the first", async () => {
    const h = host();
    const [a, b] = [uuid(), uuid()];
    const res = await post(ECS, ndjson([sourced(h, a), sourced(h, a), sourced(h, b)]), NDJSON);
    const body = (await res.json()) as { created: number; results: Result[] };
    expect(body.created).toBe(2);
    const [r0, r1, r2] = body.results;
    expect(r0).toMatchObject({ index: 0, status: 201 });
    expect(r1).toEqual({ index: 1, status: 200, id: r0?.id, alert: r0?.alert, duplicate: true });
    expect(r2).toMatchObject({ index: 2, status: 201 });
    expect(await claims([a, b])).toEqual([
      [a, r0?.id],
      [b, r2?.id],
    ]);
    expect(await eventsFrom(h)).toHaveLength(2);
  });

  it("ids are the sending key's: another key's same id is its own event; OCSF's metadata.uid alike", async () => {
    const other = await createKey(admin, { scopes: ["ingest"] });
    const h = host();
    const event = JSON.stringify(ocsfEvent(h));
    expect(await (await post("/api/intake/ocsf/", event, JSON_TYPE)).json()).toMatchObject({ created: 1 });
    expect(await (await post("/api/intake/ocsf/", event, JSON_TYPE, other.key)).json()).toMatchObject({ created: 1 });
    expect(await (await post("/api/intake/ocsf/", event, JSON_TYPE)).json()).toMatchObject({
      created: 0,
      results: [{ index: 0, status: 200, duplicate: true }],
    });
    expect(await eventsFrom(h)).toHaveLength(2);
  });

  it("a repeat raises nothing: it neither joins nor escalates the alert its first copy joined", async () => {
    const h = host();
    const finding = (uid: string, severity_id: number) =>
      ocsfEvent(h, {
        class_uid: 2004,
        class_name: "Detection Finding",
        severity_id,
        metadata: { ...ocsfWindows4625.metadata, uid },
        finding_info: { uid: `finding-${h}`, title: "Kernel module injected" },
        message: "Linux kernel module injection detected on the host",
      });
    const a = uuid();
    await post("/api/intake/ocsf/", JSON.stringify(finding(a, 4)), JSON_TYPE);
    // The same event again, even claiming a higher severity: still the one event already stored.
    const again = await post("/api/intake/ocsf/", JSON.stringify([finding(a, 4), finding(a, 5)]), JSON_TYPE);
    expect(await again.json()).toMatchObject({ created: 0 });
    const alert = async () =>
      (
        await db().execute<{ event_count: number; severity: string }>(
          sql`select event_count, severity from alerts where dedup_key = ${`ocsf:finding-${h}`}`,
        )
      ).rows;
    expect(await alert()).toEqual([{ event_count: 1, severity: "High" }]);
    await post("/api/intake/ocsf/", JSON.stringify(finding(uuid(), 4)), JSON_TYPE);
    expect(await alert()).toEqual([{ event_count: 2, severity: "High" }]);
  });

  it("concurrent copies of one batch (a shipper retrying while its first try still runs): each id stored once", async () => {
    const h = host();
    const ids = Array.from({ length: 20 }, uuid);
    const body = ndjson(ids.map((id) => sourced(h, id)));
    const answers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const res = await post(ECS, body, NDJSON);
        return { status: res.status, body: (await res.json()) as { created: number; results: Result[] } };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(answers.reduce((sum, a) => sum + a.body.created, 0)).toBe(20);
    // Each item is stored by exactly one of the copies and a repeat in all the others.
    for (let i = 0; i < ids.length; i++) {
      const outcomes = answers.map((a) => a.body.results[i]);
      expect(outcomes.filter((r) => r?.status === 201)).toHaveLength(1);
      expect(outcomes.filter((r) => r?.status === 200 && r.duplicate === true)).toHaveLength(7);
    }
    expect(await eventsFrom(h)).toHaveLength(20);
    expect(await claims(ids)).toHaveLength(20);
  });

  it("an id over 255 characters fails its item alone, naming event.id; a number there is no id", async () => {
    const h = host();
    const long = ecsDoc(h, { event: { id: "x".repeat(256), action: "probe" } });
    const numbered = ecsDoc(h, { event: { id: 42, action: "probe" } });
    const res = await post(ECS, ndjson([long, numbered, sourced(h, "y".repeat(255))]), NDJSON);
    expect(await res.json()).toMatchObject({
      created: 1,
      failed: 2,
      results: [
        { index: 0, status: 400, errors: { "event.id": ["Ensure this field has no more than 255 characters."] } },
        { index: 1, status: 400, errors: { "event.id": ["Must be a string."] } },
        { index: 2, status: 201 },
      ],
    });
    expect(await eventsFrom(h)).toHaveLength(1);
  });

  it("the scheduled handler forgets ids older than the Idempotency-Key retention (24 hours)", async () => {
    const h = host();
    const [old, recent] = [uuid(), uuid()];
    await post(ECS, ndjson([sourced(h, old), sourced(h, recent)]), NDJSON);
    await db().execute(sql`update event_sources set created_at = now() - interval '25 hours' where source_id = ${old}`);
    await runScheduled(env);
    expect((await claims([old, recent])).map(([id]) => id)).toEqual([recent]);
    // Forgotten, the old id is stored again: the retention is how long a retry is recognised.
    expect(await (await post(ECS, ndjson([sourced(h, old)]), NDJSON)).json()).toMatchObject({ created: 1 });
  });
});

describe("GET /api/intake/ (issue 19)", () => {
  it("lists the three receivers with their mapping tables, for people and keys alike", async () => {
    const analyst = await createUser("analyst");
    const res = await api("/api/intake/", { token: analyst.token });
    expect(res.status).toBe(200);
    const { receivers } = (await res.json()) as {
      receivers: { name: string; path: string; media_types: string[]; fields: { field: string; from: string[] }[] }[];
    };
    expect(receivers.map((r) => [r.name, r.path, r.media_types])).toEqual([
      ["alertmanager", "/api/intake/alertmanager/", ["application/json"]],
      ["ocsf", "/api/intake/ocsf/", ["application/json", "application/x-ndjson"]],
      ["ecs", "/api/intake/ecs/", ["application/json", "application/x-ndjson"]],
    ]);
    const ecs = receivers[2]?.fields.find((f) => f.field === "source_name");
    expect(ecs?.from).toEqual(["host.name", "host.hostname", "observer.name", "service.name", "agent.name"]);
    expect((await api("/api/intake", { token: sensor.key })).status).toBe(200);
  });

  it("receivers take POST only: another method is 405 with Allow", async () => {
    const res = await api("/api/intake/ecs/", { method: "PUT", token: sensor.key });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
  });
});
