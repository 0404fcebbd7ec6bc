import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createUser, type TestUser } from "./helpers";
import { auditOf } from "./stored";

/** Issue 20: the audit log of administrative changes, written with them, read at GET /api/audit/. */
type Entry = {
  id: number;
  at: string;
  actor: { type: string; id: number | null; name: string };
  action: string;
  target: { type: string; id: number; name: string };
  from: string | null;
  to: string | null;
};

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

describe("the audit log (issue 20)", () => {
  it("API keys: creation and the first revocation are audited, a repeated revocation is not", async () => {
    const key = await createKey(admin, { scopes: ["ingest", "read"] });
    for (let i = 0; i < 2; i++) {
      expect((await api(`/api/keys/${key.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    }
    expect((await auditOf("key", key.id)).map((a) => [a.action, a.actor_name, a.target_name, a.to_value])).toEqual([
      ["key.created", admin.username, key.name, "ingest,read"],
      ["key.revoked", admin.username, key.name, null],
    ]);
  });

  it("webhooks: subscription and deletion are audited", async () => {
    const res = await api("/api/webhooks/", {
      token: admin.token,
      json: { url: "https://hooks.example.com/audit", events: ["alert.created"] },
    });
    const { id } = (await res.json()) as { id: number };
    expect((await api(`/api/webhooks/${id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    expect((await auditOf("webhook", id)).map((a) => [a.action, a.target_name, a.to_value])).toEqual([
      ["webhook.created", "https://hooks.example.com/audit", "alert.created"],
      ["webhook.deleted", "https://hooks.example.com/audit", null],
    ]);
  });

  it("GET /api/audit/ lists entries newest first, with actor, action, target and time, paginated", async () => {
    const since = new Date().toISOString();
    const created = await api("/api/users/", {
      token: admin.token,
      json: { username: `audited-${crypto.randomUUID().slice(0, 8)}`, role: "analyst" },
    });
    const user = (await created.json()) as { id: number; username: string };
    await api(`/api/users/${user.id}/`, { method: "PATCH", token: admin.token, json: { role: "admin" } });
    const res = await api("/api/audit/?page_size=100", { token: admin.token });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { count: number; results: Entry[] };
    const ids = page.results.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const mine = page.results.filter((e) => e.target.type === "user" && e.target.id === user.id);
    expect(mine).toEqual([
      {
        id: expect.any(Number),
        at: expect.stringMatching(/Z$/),
        actor: { type: "user", id: admin.id, name: admin.username },
        action: "user.role_changed",
        target: { type: "user", id: user.id, name: user.username },
        from: "analyst",
        to: "admin",
      },
      expect.objectContaining({ action: "user.created", to: "analyst" }),
    ]);
    expect(mine[0]?.at.localeCompare(since)).toBeGreaterThanOrEqual(0);
    expect(page.count).toBeGreaterThanOrEqual(page.results.length);
  });

  it("filters: one target's history, one admin's doings, an action, a time window; bad values are 400", async () => {
    const other = await createUser("admin");
    const list = async (query: string) => {
      const res = await api(`/api/audit/?${query.includes("page_size=") ? query : `page_size=100&${query}`}`, {
        token: admin.token,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { count: number; results: Entry[] };
    };
    const created = await api("/api/users/", {
      token: admin.token,
      json: { username: `filtered-${crypto.randomUUID().slice(0, 8)}`, role: "analyst" },
    });
    const user = (await created.json()) as { id: number };
    const between = new Date().toISOString();
    await api(`/api/users/${user.id}/`, { method: "PATCH", token: other.token, json: { role: "admin" } });
    await api(`/api/users/${user.id}/`, { method: "PATCH", token: admin.token, json: { is_active: false } });

    const history = await list(`target_type=user&target_id=${user.id}`);
    expect(history.count).toBe(3);
    expect(history.results.map((e) => [e.action, e.actor.name])).toEqual([
      ["user.deactivated", admin.username],
      ["user.role_changed", other.username],
      ["user.created", admin.username],
    ]);
    const byOther = await list(`actor_type=user&actor_id=${other.id}`);
    expect(byOther.results.map((e) => [e.action, e.target.id])).toEqual([["user.role_changed", user.id]]);
    const roleChanges = await list(`action=user.role_changed&target_type=user&target_id=${user.id}`);
    expect(roleChanges.results.map((e) => e.to)).toEqual(["admin"]);
    const since = await list(`target_type=user&target_id=${user.id}&after=${encodeURIComponent(between)}`);
    expect(since.results.map((e) => e.action)).toEqual(["user.deactivated", "user.role_changed"]);
    const until = await list(`target_type=user&target_id=${user.id}&before=${encodeURIComponent(between)}`);
    expect(until.results.map((e) => e.action)).toEqual(["user.created"]);
    // Every entry of a filtered page matches, and its next link keeps the filter.
    const paged = await list(`target_type=user&target_id=${user.id}&page_size=1`);
    expect(paged.count).toBe(3);
    expect((paged as { next?: string | null }).next).toContain(`target_id=${user.id}`);

    for (const [query, field] of [
      ["action=user.exploded", "action"],
      ["actor_type=robot", "actor_type"],
      ["actor_id=0", "actor_id"],
      ["target_id=abc", "target_id"],
      ["target_type=alert", "target_type"],
      ["after=yesterday", "after"],
    ]) {
      const res = await api(`/api/audit/?${query}`, { token: admin.token });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { errors: Record<string, string[]> }).errors).toHaveProperty([field ?? ""]);
    }
  });

  it("is for admins only", async () => {
    const analyst = await createUser("analyst");
    expect((await api("/api/audit/", { token: analyst.token })).status).toBe(403);
  });
});
