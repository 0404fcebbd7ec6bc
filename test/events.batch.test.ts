import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type BatchBody, uniqueSource } from "./factories";
import { api, apiWith, createKey, createUser, db, problem, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
let sensor: string;
beforeAll(async () => {
  admin = await createUser("admin");
  sensor = (await createKey(admin, { scopes: ["ingest"] })).key;
});

type Batch = BatchBody;

const post = (body: string, contentType: string, token = sensor) =>
  api("/api/events/batch/", { method: "POST", token, body, headers: { "Content-Type": contentType } });

async function stored(source: string) {
  const { rows } = await db().execute<{ events: number; alerts: number }>(sql`
    select count(distinct e.id)::int as events, count(distinct e.alert_id)::int as alerts
    from events e where e.source_name = ${source}`);
  return rows[0];
}

describe("batch ingest (contract section 10)", () => {
  it("a JSON array with a bearer key (what log shippers send): valid items and their alerts stored in one round trip, per-item results in input order", async () => {
    const source = uniqueSource();
    const items = [
      { source_name: source, event_type: "login", severity: "Low" },
      { source_name: source, event_type: "login", severity: "Loud" },
      { source_name: source, event_type: "exfil", severity: "High", metadata: { bytes: 10 } },
      { source_name: source, event_type: "x", severity: "Critical" },
      { source_name: source, event_type: "login", severity: "Medium", id: 5 },
    ];
    const res = await post(JSON.stringify(items), "application/json");
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(2); // the key's first use reads its row; the batch itself is one
    const again = await post(JSON.stringify(items.slice(0, 1)), "application/json");
    expect(roundTrips(again)).toBe(1);
    const body = (await res.json()) as Batch;
    expect(body.created).toBe(2);
    expect(body.failed).toBe(3);
    expect(body.results.map((r) => [r.index, r.status])).toEqual([
      [0, 201],
      [1, 400],
      [2, 201],
      [3, 400],
      [4, 400],
    ]);
    expect(body.results[0]).toMatchObject({ alert: null });
    expect(body.results[2]?.alert).toMatchObject({ status: "Open" });
    expect(Object.keys(body.results[1]?.errors ?? {})).toEqual(["severity"]);
    expect(Object.keys(body.results[3]?.errors ?? {})).toEqual(["description"]);
    expect(Object.keys(body.results[4]?.errors ?? {})).toEqual(["id"]);
    expect(await stored(source)).toEqual({ events: 3, alerts: 1 });
    const event = (await (await api(`/api/events/${body.results[2]?.id}/`, { token: admin.token })).json()) as object;
    expect(event).toMatchObject({ event_type: "exfil", metadata: { bytes: 10 }, ingested_by: { type: "key" } });
  });

  it("NDJSON: one event per line, blank lines are not items, a malformed line fails alone", async () => {
    const source = uniqueSource();
    const ndjson = [
      JSON.stringify({ source_name: source, event_type: "a", severity: "Low" }),
      "",
      "{not json",
      "   ",
      JSON.stringify({ source_name: source, event_type: "b", severity: "High" }),
      "",
    ].join("\n");
    const res = await post(ndjson, "application/x-ndjson");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Batch;
    expect(body).toMatchObject({ created: 2, failed: 1 });
    expect(body.results[1]).toEqual({
      index: 1,
      status: 400,
      errors: { non_field_errors: ["This line is not valid JSON."] },
    });
    expect(await stored(source)).toEqual({ events: 2, alerts: 1 });
  });

  it("takes a media type with parameters as single ingest does", async () => {
    const res = await post(
      JSON.stringify([{ source_name: uniqueSource(), event_type: "t", severity: "Low" }]),
      "application/json; charset=utf-8",
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { created: number }).created).toBe(1);
  });

  it("refused whole: not an array, empty, over 1,000 items, another media type, over the size limit", async () => {
    const one = { source_name: "s", event_type: "t", severity: "Low" };
    for (const [body, type, status] of [
      [JSON.stringify(one), "application/json", 400],
      ["[]", "application/json", 400],
      ["\n\n", "application/x-ndjson", 400],
      [JSON.stringify(Array(1001).fill(one)), "application/json", 400],
      ["[{", "application/json", 400],
      [JSON.stringify([one]), "text/plain", 415],
      // Only the documented media types, as on every other body: no undocumented aliases, UTF-8 only.
      [JSON.stringify(one), "application/jsonlines", 415],
      [JSON.stringify(one), "application/x-ndjson; charset=latin1", 415],
    ] as const) {
      const res = await post(body, type);
      expect(res.status, `${type} ${body.slice(0, 20)}`).toBe(status);
      await problem(res);
    }
    const small = apiWith({ MAX_BATCH_BODY_BYTES: "100" });
    const big = await small("/api/events/batch/", {
      method: "POST",
      token: sensor,
      body: JSON.stringify([one, one, one]),
      headers: { "Content-Type": "application/json" },
    });
    expect(big.status).toBe(413);
  });

  it("1,000 events are accepted in one request", async () => {
    const source = uniqueSource();
    const items = Array.from({ length: 1000 }, (_, i) => ({
      source_name: source,
      event_type: `t${i}`,
      severity: i % 10 ? "Low" : "High",
    }));
    const res = await post(JSON.stringify(items), "application/json");
    expect(res.status).toBe(200);
    expect(((await res.json()) as Batch).created).toBe(1000);
    expect(await stored(source)).toEqual({ events: 1000, alerts: 100 });
  });

  it("a batch of N spends N of the ingest budget; one the budget cannot cover is 429 and stores nothing", async () => {
    const limited = apiWith({ RATE_LIMIT_INGEST: "5/60s" });
    const user = await createUser("admin");
    const source = uniqueSource();
    const batch = (n: number) =>
      limited("/api/events/batch/", {
        token: user.token,
        json: Array.from({ length: n }, () => ({ source_name: source, event_type: "t", severity: "Low" })),
      });
    const first = await batch(3);
    expect(first.status).toBe(200);
    expect(first.headers.get("RateLimit")).toMatch(/^"ingest";r=2;/);
    const refused = await batch(3);
    expect(refused.status).toBe(429);
    expect(await stored(source)).toEqual({ events: 3, alerts: 0 });
    expect((await batch(2)).status).toBe(200);
  });

  it("only ingesters: a read key is 403, no credential 401", async () => {
    const reader = await createKey(admin, { scopes: ["read"] });
    const body = JSON.stringify([{ source_name: "s", event_type: "t", severity: "Low" }]);
    expect((await post(body, "application/json", reader.key)).status).toBe(403);
    expect(
      (await api("/api/events/batch/", { method: "POST", body, headers: { "Content-Type": "application/json" } }))
        .status,
    ).toBe(401);
  });
});
