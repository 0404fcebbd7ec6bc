import { sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { openAlert } from "./factories";
import { api, createUser, db, problem, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const get = (id: number, headers: Record<string, string> = {}) =>
  api(`/api/alerts/${id}/`, { token: admin.token, headers });
const patch = (id: number, body: unknown, headers: Record<string, string> = {}) =>
  api(`/api/alerts/${id}/`, { method: "PATCH", token: admin.token, json: body, headers });

describe("ETag, If-Match, If-None-Match (contract section 12)", () => {
  it("GET carries an ETag; a matching If-None-Match is 304 without a body", async () => {
    const id = await openAlert(admin);
    const first = await get(id);
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).toMatch(/^"v\d+"$/);
    const again = await get(id, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.headers.get("ETag")).toBe(etag);
    expect(await again.text()).toBe("");
    expect((await get(id, { "If-None-Match": '"v999"' })).status).toBe(200);
  });

  it("a stale If-Match is 412 and the alert is unchanged; the current one works", async () => {
    const id = await openAlert(admin);
    const etag = (await get(id)).headers.get("ETag") ?? "";
    const moved = await patch(id, { status: "Acknowledged" }, { "If-Match": etag });
    expect(moved.status).toBe(200);
    const newer = moved.headers.get("ETag") ?? "";
    expect(newer).not.toBe(etag);
    const stale = await patch(id, { status: "Resolved" }, { "If-Match": etag });
    expect(stale.status).toBe(412);
    expect(await problem(stale)).toMatchObject({ status: 412 });
    const { rows } = await db().execute<{ status: string }>(sql`select status from alerts where id = ${id}`);
    expect(rows[0]?.status).toBe("Acknowledged");
    // A refused change records nothing: the history still ends with the acknowledgement.
    const history = await db().execute<{ action: string; to_value: string | null }>(
      sql`select action, to_value from alert_history where alert_id = ${id} order by id`,
    );
    expect(history.rows.map((r) => [r.action, r.to_value])).toEqual([
      ["created", "Open"],
      ["status_changed", "Acknowledged"],
    ]);
    expect((await patch(id, { status: "Resolved" }, { "If-Match": "garbage" })).status).toBe(412);
    expect((await patch(id, { status: "Resolved" }, { "If-Match": newer })).status).toBe(200);
  });

  it("the ETag changes when grouping changes the alert, and not on a no-op", async () => {
    const dedup = `etag-${crypto.randomUUID()}`;
    const ingest = () =>
      api("/api/events/", {
        token: admin.token,
        json: { source_name: "s", event_type: "t", severity: "High", dedup_key: dedup },
      });
    const id = ((await (await ingest()).json()) as { alert: { id: number } }).alert.id;
    const before = (await get(id)).headers.get("ETag");
    expect((await patch(id, { status: "Open" })).headers.get("ETag")).toBe(before);
    await ingest();
    const after = (await get(id)).headers.get("ETag");
    expect(after).not.toBe(before);
    expect((await get(id, { "If-None-Match": before ?? "" })).status).toBe(200);
  });
});

/** Issue 21, item 4: ETag-bearing headers parsed strictly, never reaching the database as numbers it cannot hold. */
describe("If-Match and If-None-Match: any value is a status, never a 500", () => {
  const state = async (id: number) => {
    const { rows } = await db().execute<{ status: string; version: number }>(
      sql`select status, version from alerts where id = ${id}`,
    );
    return rows[0];
  };

  it("a version past int32 can never match: 412, the alert unchanged", async () => {
    const id = await openAlert(admin);
    const before = await state(id);
    for (const tag of ['"v2147483648"', '"v9999999999"', '"v4294967296"', ' "v2147483648" ']) {
      const res = await patch(id, { status: "Acknowledged" }, { "If-Match": tag });
      expect(res.status, tag).toBe(412);
      expect(await problem(res)).toMatchObject({ status: 412 });
    }
    expect(await state(id)).toEqual(before);
    // The largest version that can exist is still compared, not refused unread.
    expect((await patch(id, { status: "Acknowledged" }, { "If-Match": '"v2147483647"' })).status).toBe(412);
    expect((await get(id, { "If-None-Match": '"v2147483648"' })).status).toBe(200);
  });

  it("fuzzed If-Match on PATCH: 200 only for the current tag or *, else 412 with nothing written", async () => {
    const id = await openAlert(admin);
    const digits = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String), fc.stringMatching(/^[0-9]{1,12}$/));
    const tag = fc.oneof(
      digits.map((d) => `"v${d}"`),
      digits.map((d) => `W/"v${d}"`),
      digits.map((d) => `"v-${d}"`),
      digits.map((d) => `v${d}`),
      fc
        .array(
          digits.map((d) => `"v${d}"`),
          { minLength: 2, maxLength: 4 },
        )
        .map((l) => l.join(", ")),
      fc.constantFrom('""', '"v"', '"v0"', '"v01"', '"v1e3"', '"v0x10"', '"v1.5"', "**", ", ", '"v١٢"'),
      fc.stringMatching(/^[\t\x20-\x7e]{0,40}$/),
    );
    await fc.assert(
      fc.asyncProperty(tag, async (ifMatch) => {
        const before = await state(id);
        const res = await patch(id, { assignee: null }, { "If-Match": ifMatch });
        expect(res.status, ifMatch).toBeLessThan(500);
        if (res.status === 412) expect(await state(id)).toEqual(before);
        else expect([200, 400], ifMatch).toContain(res.status);
        // An empty field (Headers trim the value) is no precondition, as if none were sent.
        if (res.status === 200) expect(["*", `"v${before?.version}"`, ""]).toContain(ifMatch.trim());
      }),
      { numRuns: 150, seed: 20261206 },
    );
  });

  it("fuzzed If-None-Match on GET: 304 only when the current tag (or *) is named, else 200", async () => {
    const id = await openAlert(admin);
    const current = (await get(id)).headers.get("ETag") ?? "";
    const candidate = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 25n }).map((d) => `"v${d}"`),
      fc.constant(current),
      fc.constant(`W/${current}`),
      fc.stringMatching(/^[\t\x20-\x7e]{0,40}$/),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(candidate, { minLength: 1, maxLength: 3 }), async (list) => {
        const header = list.join(", ");
        const res = await get(id, { "If-None-Match": header });
        const named =
          header.trim() === "*" || list.some((c) => c.split(",").some((t) => t.trim().replace(/^W\//, "") === current));
        expect(res.status, header).toBe(named ? 304 : 200);
      }),
      { numRuns: 150, seed: 20261206 },
    );
  });
});
