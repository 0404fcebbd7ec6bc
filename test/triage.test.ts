import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openAlert } from "./factories";
import { api, createKey, createUser, db, problem, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
});

type Alert = { id: number; status: string; assignee: string | null; updated_at: string };
type History = { action: string; actor: { type: string; name: string }; from: string | null; to: string | null };

const patch = (id: number, body: unknown, headers: Record<string, string> = {}) =>
  api(`/api/alerts/${id}/`, { method: "PATCH", token: admin.token, json: body, headers });
const history = async (id: number) =>
  (
    (await (await api(`/api/alerts/${id}/history/?page_size=100`, { token: analyst.token })).json()) as {
      results: History[];
    }
  ).results;
const row = async (id: number) =>
  (
    await db().execute<{ status: string; assignee_id: number | null; version: number }>(
      sql`select status, assignee_id, version from alerts where id = ${id}`,
    )
  ).rows[0];

describe("assignment (contract section 12)", () => {
  it("PATCH assigns to an active user's username, and null unassigns", async () => {
    const id = await openAlert(admin);
    const assigned = await patch(id, { assignee: analyst.username });
    expect(assigned.status).toBe(200);
    expect(((await assigned.json()) as Alert).assignee).toBe(analyst.username);
    expect((await row(id))?.assignee_id).toBe(analyst.id);
    const both = (await (await patch(id, { status: "Acknowledged", assignee: null })).json()) as Alert;
    expect(both).toMatchObject({ status: "Acknowledged", assignee: null });
  });

  it("an unknown or inactive username is 400 (errors.assignee) and the alert is unchanged", async () => {
    const id = await openAlert(admin);
    const inactive = await createUser("analyst", { active: false });
    for (const assignee of ["no-such-user-x", inactive.username]) {
      const res = await patch(id, { status: "Acknowledged", assignee });
      expect(res.status).toBe(400);
      expect(((await problem(res)) as { errors: object }).errors).toHaveProperty("assignee");
    }
    expect(await row(id)).toMatchObject({ status: "Open", assignee_id: null, version: 1 });
    expect(await history(id)).toHaveLength(1);
  });

  it("PATCH needs status or assignee; anything else is named", async () => {
    const id = await openAlert(admin);
    expect((await patch(id, {})).status).toBe(400);
    const res = await patch(id, { assignee_id: 1 });
    expect(Object.keys(((await problem(res)) as { errors: object }).errors)).toContain("assignee_id");
  });

  it("filters: assignee=me, assignee=none, assignee=<username>", async () => {
    const [mine, unassigned] = [await openAlert(admin), await openAlert(admin)];
    await patch(mine, { assignee: analyst.username });
    const ids = async (query: string, token = analyst.token) =>
      (
        (await (await api(`/api/alerts/?page_size=100&${query}`, { token })).json()) as { results: Alert[] }
      ).results.map((a) => a.id);
    expect(await ids("assignee=me")).toEqual([mine]);
    expect(await ids(`assignee=${analyst.username}`, admin.token)).toEqual([mine]);
    const none = await ids("assignee=none&status=Open");
    expect(none).toContain(unassigned);
    expect(none).not.toContain(mine);
    const key = await createKey(admin, { scopes: ["read"] });
    expect((await api("/api/alerts/?assignee=me", { token: key.key })).status).toBe(400);
  });
});

describe("history (contract section 12)", () => {
  it("records every action, with who, from and to; notes included", async () => {
    const key = await createKey(admin, { scopes: ["ingest"] });
    const dedup = `hist-${crypto.randomUUID()}`;
    const first = (await (
      await api("/api/events/", {
        token: key.key,
        json: { source_name: "s", event_type: "t", severity: "High", dedup_key: dedup },
      })
    ).json()) as { alert: { id: number } };
    const id = first.alert.id;
    await api("/api/events/", {
      token: key.key,
      json: { source_name: "s", event_type: "t", severity: "High", dedup_key: dedup },
    });
    await patch(id, { status: "Acknowledged" });
    await patch(id, { assignee: analyst.username });
    const note = (await (
      await api(`/api/alerts/${id}/notes/`, { token: analyst.token, json: { body: "Looking into it." } })
    ).json()) as { id: number };
    expect(await history(id)).toEqual([
      expect.objectContaining({ action: "created", actor: { type: "key", name: key.name }, from: null, to: "Open" }),
      expect.objectContaining({
        action: "event_grouped",
        actor: { type: "system", name: "system" },
        from: "1",
        to: "2",
      }),
      expect.objectContaining({
        action: "status_changed",
        actor: { type: "user", name: admin.username },
        from: "Open",
        to: "Acknowledged",
      }),
      expect.objectContaining({ action: "assigned", from: null, to: analyst.username }),
      expect.objectContaining({
        action: "note_added",
        actor: { type: "user", name: analyst.username },
        to: String(note.id),
      }),
    ]);
  });

  it("a no-op PATCH and a refused PATCH record nothing", async () => {
    const id = await openAlert(admin);
    await patch(id, { status: "Resolved" });
    const before = await history(id);
    expect((await patch(id, { status: "Resolved" })).status).toBe(200);
    expect((await patch(id, { status: "Open" })).status).toBe(409);
    expect((await patch(id, { status: "Acknowledged", assignee: analyst.username })).status).toBe(409);
    expect(await history(id)).toEqual(before);
    expect(await row(id)).toMatchObject({ status: "Resolved", assignee_id: null });
  });

  it("an unknown alert's history, notes and events are 404", async () => {
    for (const part of ["history", "notes", "events"]) {
      expect((await api(`/api/alerts/999999999/${part}/`, { token: admin.token })).status).toBe(404);
    }
  });
});

describe("notes (contract section 12)", () => {
  it("analysts and admins add notes, also on resolved alerts; listed oldest first", async () => {
    const id = await openAlert(admin);
    await patch(id, { status: "Resolved" });
    const first = await api(`/api/alerts/${id}/notes/`, { token: analyst.token, json: { body: "First." } });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ alert_id: id, author: analyst.username, body: "First." });
    await api(`/api/alerts/${id}/notes/`, { token: admin.token, json: { body: "Second." } });
    const list = (await (await api(`/api/alerts/${id}/notes/`, { token: analyst.token })).json()) as {
      count: number;
      results: { body: string }[];
    };
    expect(list.count).toBe(2);
    expect(list.results.map((n) => n.body)).toEqual(["First.", "Second."]);
  });

  it("notes are append-only (405), 1..10,000 characters, users only", async () => {
    const id = await openAlert(admin);
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await api(`/api/alerts/${id}/notes/`, { method, token: admin.token });
      expect(res.status).toBe(405);
      expect(res.headers.get("Allow")).toBe("GET, HEAD, POST");
    }
    for (const body of ["", "   ", "x".repeat(10_001)]) {
      expect((await api(`/api/alerts/${id}/notes/`, { token: admin.token, json: { body } })).status).toBe(400);
    }
    const key = await createKey(admin, { scopes: ["read"] });
    expect((await api(`/api/alerts/${id}/notes/`, { token: key.key, json: { body: "x" } })).status).toBe(403);
    expect((await api(`/api/alerts/${id}/notes/`, { token: key.key })).status).toBe(403);
    const { rows } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from alert_notes where alert_id = ${id}`,
    );
    expect(rows[0]?.n).toBe(0);
  });
});

describe("an alert's events (contract section 11)", () => {
  it("lists the grouped events, newest first, to readers", async () => {
    const dedup = `ev-${crypto.randomUUID()}`;
    const ingest = (n: number) =>
      api("/api/events/", {
        token: admin.token,
        json: { source_name: `s${n}`, event_type: "t", severity: "High", dedup_key: dedup },
      });
    const first = (await (await ingest(1)).json()) as { alert: { id: number } };
    await ingest(2);
    await ingest(3);
    const key = await createKey(admin, { scopes: ["read"] });
    const res = await api(`/api/alerts/${first.alert.id}/events/`, { token: key.key });
    expect(roundTrips(res)).toBe(2); // the key's first use, then one statement
    const page = (await res.json()) as { count: number; results: { source_name: string }[] };
    expect(page.count).toBe(3);
    expect(page.results.map((e) => e.source_name)).toEqual(["s3", "s2", "s1"]);
  });
});
