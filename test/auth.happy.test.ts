import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { api, createUser, db, login, type TokenPair as Pair, roundTrips, type TestUser } from "./helpers";

const refresh = (token: string) => api("/api/auth/token/refresh/", { json: { refresh: token } });
const me = (token: string) => api("/api/auth/me/", { token });

async function familyRows(userId: number) {
  const { rows } = await db().execute<{ rotated: boolean; revoked: boolean }>(
    sql`select rotated_at is not null as rotated, revoked_at is not null as revoked
        from refresh_tokens where user_id = ${userId} order by id`,
  );
  return rows;
}

describe("authentication (contract section 2)", () => {
  it("login returns a token pair whose access token works on /me/ with zero database round trips", async () => {
    const user = await createUser("analyst");
    const pair = await login(user);
    expect(pair).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    const res = await me(pair.access);
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(0);
    expect(await res.json()).toEqual({ id: user.id, username: user.username, role: "analyst" });
    expect(await familyRows(user.id)).toEqual([{ rotated: false, revoked: false }]);
  });

  it("refresh rotates: new pair works, the old refresh token stops working", async () => {
    const user = await createUser("analyst");
    const first = await login(user);
    const res = await refresh(first.refresh);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Pair;
    expect(Object.keys(second).sort()).toEqual(["access", "refresh"]);
    expect((await me(second.access)).status).toBe(200);
    expect(await familyRows(user.id)).toEqual([
      { rotated: true, revoked: false },
      { rotated: false, revoked: false },
    ]);
  });

  it("reusing a rotated refresh token revokes the whole family", async () => {
    const user = await createUser("admin");
    const first = await login(user);
    const second = (await (await refresh(first.refresh)).json()) as Pair;
    expect((await refresh(first.refresh)).status).toBe(401);
    // The legitimate newest token dies too: the thief and the victim both have to log in again.
    expect((await refresh(second.refresh)).status).toBe(401);
    expect((await familyRows(user.id)).every((r) => r.revoked)).toBe(true);
  });

  it("two concurrent refreshes with one token: exactly one succeeds", async () => {
    const user = await createUser("analyst");
    const { refresh: token } = await login(user);
    const statuses = (await Promise.all([refresh(token), refresh(token)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
  });

  it("a role change reaches the user at refresh", async () => {
    const user = await createUser("analyst");
    const pair = await login(user);
    await db().execute(sql`update users set role = 'admin' where id = ${user.id}`);
    const next = (await (await refresh(pair.refresh)).json()) as Pair;
    expect(await (await me(next.access)).json()).toMatchObject({ role: "admin" });
  });

  it("a deactivated user is refused at refresh", async () => {
    const user = await createUser("analyst");
    const pair = await login(user);
    await db().execute(sql`update users set is_active = false where id = ${user.id}`);
    const res = await refresh(pair.refresh);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
  });

  it("revoke logs out: 204, then the refresh token is refused", async () => {
    const user: TestUser = await createUser("analyst");
    const pair = await login(user);
    const res = await api("/api/auth/token/revoke/", { json: { refresh: pair.refresh } });
    expect(res.status).toBe(204);
    expect((await refresh(pair.refresh)).status).toBe(401);
    expect(await familyRows(user.id)).toEqual([{ rotated: false, revoked: true }]);
    // Logging out twice is fine.
    expect((await api("/api/auth/token/revoke/", { json: { refresh: pair.refresh } })).status).toBe(204);
  });
});
