import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { api, apiWith, createUser, db, login, type TokenPair as Pair, roundTrips, type TestUser } from "./helpers";

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

  it("reusing a rotated refresh token after the grace window revokes the whole family", async () => {
    const user = await createUser("admin");
    const noGrace = apiWith({ REFRESH_GRACE_SECONDS: "0" });
    const first = await login(user);
    const second = (await (
      await noGrace("/api/auth/token/refresh/", { json: { refresh: first.refresh } })
    ).json()) as Pair;
    expect((await noGrace("/api/auth/token/refresh/", { json: { refresh: first.refresh } })).status).toBe(401);
    // The legitimate newest token dies too: the thief and the victim both have to log in again.
    expect((await refresh(second.refresh)).status).toBe(401);
    expect((await familyRows(user.id)).every((r) => r.revoked)).toBe(true);
    // ...and so do the access tokens of that login, from the next request on.
    expect((await me(second.access)).status).toBe(401);
  });

  it("ten parallel refreshes of one token all get the same successor, and the session lives on", async () => {
    const user = await createUser("analyst");
    const { refresh: token } = await login(user);
    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(token)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const pairs = (await Promise.all(responses.map((r) => r.json()))) as Pair[];
    expect(new Set(pairs.map((p) => p.refresh)).size).toBe(1);
    const rows = await familyRows(user.id);
    expect(rows).toEqual([
      { rotated: true, revoked: false },
      { rotated: false, revoked: false },
    ]);
    for (const pair of pairs) expect((await me(pair.access)).status).toBe(200);
    // The successor works, once, as usual.
    expect((await refresh(pairs[0]?.refresh ?? "")).status).toBe(200);
  });

  it("within the grace window, a token whose successor was already used is a replay", async () => {
    const user = await createUser("analyst");
    const first = await login(user);
    const second = (await (await refresh(first.refresh)).json()) as Pair;
    expect((await refresh(second.refresh)).status).toBe(200);
    expect((await refresh(first.refresh)).status).toBe(401);
    expect((await familyRows(user.id)).every((r) => r.revoked)).toBe(true);
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
