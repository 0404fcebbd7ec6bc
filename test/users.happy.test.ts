import { beforeAll, describe, expect, it } from "vitest";
import { api, createUser, login, type TestUser, type TokenPair } from "./helpers";
import { auditOf } from "./stored";

/**
 * Issue 20: what `npm run users` does, for admins over HTTP. Deactivation, role and password
 * changes take effect on the user's very next request (contract section 2), and every change
 * is in the audit log, written by the statement that made it.
 */
type User = { id: number; username: string; role: string; is_active: boolean; created_at: string; password?: string };

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const newName = () => `carol-${crypto.randomUUID().slice(0, 8)}`;
const me = (token: string) => api("/api/auth/me/", { token });
const refresh = (token: string) => api("/api/auth/token/refresh/", { json: { refresh: token } });
const patch = (id: number, json: unknown) => api(`/api/users/${id}/`, { method: "PATCH", token: admin.token, json });

async function create(body: Record<string, unknown>): Promise<User> {
  const res = await api("/api/users/", { token: admin.token, json: { username: newName(), role: "analyst", ...body } });
  expect(res.status).toBe(201);
  return (await res.json()) as User;
}

describe("users over HTTP (issue 20)", () => {
  it("create with a generated password shown once: it signs in; the user reads back without it", async () => {
    const username = newName();
    const res = await api("/api/users/", { token: admin.token, json: { username, role: "analyst" } });
    expect(res.status).toBe(201);
    const user = (await res.json()) as User;
    expect(res.headers.get("Location")).toBe(`/api/users/${user.id}/`);
    expect(user).toMatchObject({ username, role: "analyst", is_active: true });
    expect(user.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await login({ username, password: user.password ?? "" })).access).toBeTruthy();
    const read = (await (await api(`/api/users/${user.id}/`, { token: admin.token })).json()) as User;
    expect(read).toEqual({ id: user.id, username, role: "analyst", is_active: true, created_at: user.created_at });
    expect(await auditOf("user", user.id)).toEqual([
      {
        actor_type: "user",
        actor_id: admin.id,
        actor_name: admin.username,
        action: "user.created",
        target_name: username,
        from_value: null,
        to_value: "analyst",
      },
    ]);
  });

  it("create with a chosen password does not echo it", async () => {
    const password = "a-long-enough-password";
    const user = await create({ password, role: "admin" });
    expect(user).not.toHaveProperty("password");
    expect((await login({ username: user.username, password })).access).toBeTruthy();
  });

  it("lists users by username, paginated", async () => {
    const res = await api("/api/users/?page_size=100", { token: admin.token });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { count: number; results: User[] };
    const names = page.results.map((u) => u.username);
    expect(names).toEqual([...names].sort());
    expect(page.count).toBeGreaterThanOrEqual(page.results.length);
    expect(page.results[0]).not.toHaveProperty("password_hash");
  });

  it("a role change refuses the old access token on the next request; a refresh carries the new role", async () => {
    const password = "a-long-enough-password";
    const user = await create({ password });
    const pair = await login({ username: user.username, password });
    const res = await patch(user.id, { role: "admin" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ role: "admin", is_active: true });
    expect((await me(pair.access)).status).toBe(401);
    const next = (await (await refresh(pair.refresh)).json()) as TokenPair;
    expect(await (await me(next.access)).json()).toMatchObject({ role: "admin" });
    expect((await auditOf("user", user.id)).map((a) => [a.action, a.from_value, a.to_value])).toEqual([
      ["user.created", null, "analyst"],
      ["user.role_changed", "analyst", "admin"],
    ]);
  });

  it("deactivation ends every session at once; reactivation lets them sign in again", async () => {
    const password = "a-long-enough-password";
    const user = await create({ password });
    const pair = await login({ username: user.username, password });
    expect((await patch(user.id, { is_active: false })).status).toBe(200);
    expect((await me(pair.access)).status).toBe(401);
    expect((await refresh(pair.refresh)).status).toBe(401);
    expect((await api("/api/auth/token/", { json: { username: user.username, password } })).status).toBe(401);

    const back = await patch(user.id, { is_active: true });
    expect(await back.json()).toMatchObject({ is_active: true });
    expect((await login({ username: user.username, password })).access).toBeTruthy();
    expect((await auditOf("user", user.id)).map((a) => a.action)).toEqual([
      "user.created",
      "user.deactivated",
      "user.reactivated",
    ]);
  });

  it("a password reset (generated, shown once) revokes every session; the old password no longer works", async () => {
    const password = "a-long-enough-password";
    const user = await create({ password });
    const pair = await login({ username: user.username, password });
    const res = await api(`/api/users/${user.id}/password/`, { token: admin.token, json: {} });
    expect(res.status).toBe(200);
    const { password: generated } = (await res.json()) as User;
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await me(pair.access)).status).toBe(401);
    expect((await refresh(pair.refresh)).status).toBe(401);
    expect((await api("/api/auth/token/", { json: { username: user.username, password } })).status).toBe(401);
    expect((await login({ username: user.username, password: generated ?? "" })).access).toBeTruthy();

    const chosen = await api(`/api/users/${user.id}/password/`, {
      token: admin.token,
      json: { password: "another-long-password" },
    });
    expect(await chosen.json()).not.toHaveProperty("password");
    expect((await login({ username: user.username, password: "another-long-password" })).access).toBeTruthy();
    expect((await auditOf("user", user.id)).map((a) => a.action)).toEqual([
      "user.created",
      "user.password_reset",
      "user.password_reset",
    ]);
  });

  it("asking for what already is changes nothing: no new generation, nothing audited, tokens still good", async () => {
    const password = "a-long-enough-password";
    const user = await create({ password });
    const pair = await login({ username: user.username, password });
    const res = await patch(user.id, { role: "analyst", is_active: true });
    expect(res.status).toBe(200);
    expect((await me(pair.access)).status).toBe(200);
    expect((await auditOf("user", user.id)).map((a) => a.action)).toEqual(["user.created"]);
  });

  it("role and deactivation in one PATCH: both audited, in one statement", async () => {
    const user = await create({});
    expect((await patch(user.id, { role: "admin", is_active: false })).status).toBe(200);
    expect((await auditOf("user", user.id)).map((a) => a.action)).toEqual([
      "user.created",
      "user.role_changed",
      "user.deactivated",
    ]);
  });

  it("the same username created concurrently: exactly one 201, the rest 409, one audit row", async () => {
    const username = newName();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => api("/api/users/", { token: admin.token, json: { username, role: "analyst" } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const created = (await results.find((r) => r.status === 201)?.json()) as User;
    expect(await auditOf("user", created.id)).toHaveLength(1);
  });
});
