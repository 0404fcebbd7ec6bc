import { sql } from "drizzle-orm";
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
