import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
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

const ocsfEvent = (host: string, fields: Record<string, unknown> = {}) => ({
  ...ocsfWindows4625,
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
    expect(stored[0]?.metadata).toEqual({ ocsf: { ...ocsfEvent(h, { severity_id: 4 }), time: expect.any(Number) } });
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
