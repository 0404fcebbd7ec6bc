import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { signServiceToken } from "../src/auth/tokens";
import { getConfig } from "../src/env";
import { REVOCATIONS_PURPOSE } from "../src/internal/protocol";
import { changeUser, type UserChange } from "../src/users/store";
import { api, createUser, db, FIXTURE, login, type TestUser, type TokenPair } from "./helpers";
import { refreshTokensOf } from "./stored";

const me = (token: string) => api("/api/auth/me/", { token });
const refresh = (token: string) => api("/api/auth/token/refresh/", { json: { refresh: token } });

/** What `npm run users -- set-role|deactivate|set-password` does after its database change. */
async function announce(user: { id: number; generation: number }, purpose = REVOCATIONS_PURPOSE) {
  return api("/api/internal/revocations/", {
    token: await signServiceToken(getConfig(env), purpose),
    json: { type: "user", id: user.id, generation: user.generation },
  });
}

async function changeAndAnnounce(user: TestUser, change: UserChange) {
  const updated = await changeUser(db(), { username: user.username }, change, FIXTURE);
  if (!updated) throw new Error("no such user");
  expect((await announce(updated.revocation)).status).toBe(204);
}

async function expectRevoked(access: string) {
  const res = await me(access);
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toMatch(/error="invalid_token"/);
  expect(((await res.json()) as { detail: string }).detail).toMatch(/revoked/);
}

describe("logout and account changes take effect at once (issue 8, item 7)", () => {
  it("revoke (logout) refuses that session's access token on the very next request", async () => {
    const user = await createUser("analyst");
    const pair = await login(user);
    expect((await me(pair.access)).status).toBe(200);
    expect((await api("/api/auth/token/revoke/", { json: { refresh: pair.refresh } })).status).toBe(204);
    await expectRevoked(pair.access);
  });

  it("logging out one session leaves the user's other sessions working", async () => {
    const user = await createUser("analyst");
    const [laptop, phone] = [await login(user), await login(user)];
    expect((await api("/api/auth/token/revoke/", { json: { refresh: laptop.refresh } })).status).toBe(204);
    await expectRevoked(laptop.access);
    expect((await me(phone.access)).status).toBe(200);
    expect((await refresh(phone.refresh)).status).toBe(200);
  });

  it("deactivation (as the CLI does it) refuses the old access token at once, and refresh too", async () => {
    const user = await createUser("admin");
    const pair = await login(user);
    await changeAndAnnounce(user, { isActive: false });
    await expectRevoked(pair.access);
    expect((await refresh(pair.refresh)).status).toBe(401);
  });

  it("a role change refuses the old access token at once; a refresh brings the new role", async () => {
    const user = await createUser("admin");
    const pair = await login(user);
    await changeAndAnnounce(user, { role: "analyst" });
    await expectRevoked(pair.access);
    const next = (await (await refresh(pair.refresh)).json()) as TokenPair;
    expect(await (await me(next.access)).json()).toMatchObject({ role: "analyst" });
    // The demoted user's fresh token is refused where the old role was needed.
    expect((await api("/api/events/", { token: next.access })).status).toBe(403);
  });

  it("a password change refuses old access tokens and every refresh token", async () => {
    const user = await createUser("analyst");
    const pair = await login(user);
    await changeAndAnnounce(user, { passwordHash: "pbkdf2_sha256$1$AAAA$AAAA" });
    await expectRevoked(pair.access);
    expect((await refresh(pair.refresh)).status).toBe(401);
    const { rows } = await db().execute<{ live: number }>(
      sql`select count(*)::int as live from refresh_tokens where user_id = ${user.id} and revoked_at is null`,
    );
    expect(rows[0]?.live).toBe(0);
  });

  it("the internal revocation route accepts only a service token for that purpose", async () => {
    const user = await createUser("admin");
    const body = { type: "user", id: user.id, generation: 1 };
    expect((await api("/api/internal/revocations/", { json: body })).status).toBe(401);
    expect((await api("/api/internal/revocations/", { token: user.token, json: body })).status).toBe(401);
    expect((await announce({ id: user.id, generation: 1 }, "something-else")).status).toBe(401);
    // Nothing was revoked by the refused calls.
    expect((await me(user.token)).status).toBe(200);
  });

  it("the internal route is not in the OpenAPI document", async () => {
    const doc = (await (await api("/api/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.includes("internal"))).toEqual([]);
  });
});

describe("browser sessions keep the refresh token in an HttpOnly cookie", () => {
  const session = { "X-Vigil-Session": "cookie" };
  const cookieOf = (res: Response) => /vigil_refresh=([^;]*)/.exec(res.headers.get("Set-Cookie") ?? "")?.[1] ?? "";

  it("login sets the cookie (HttpOnly, SameSite=Strict, scoped to /api/auth/) and keeps the token out of the body", async () => {
    const user = await createUser("analyst");
    const res = await api("/api/auth/token/", {
      headers: session,
      json: { username: user.username, password: user.password },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["access", "expires_in", "token_type"]);
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/auth\//);
    expect(cookie).toMatch(/Secure/); // vigil.test is not a loopback address
    expect(cookieOf(res)).toMatch(/^eyJ/);
  });

  it("refresh rotates the cookie; revoke clears it and ends the session", async () => {
    const user = await createUser("analyst");
    const first = await api("/api/auth/token/", {
      headers: session,
      json: { username: user.username, password: user.password },
    });
    const withCookie = (res: Response) => ({ ...session, Cookie: `vigil_refresh=${cookieOf(res)}` });
    const rotated = await api("/api/auth/token/refresh/", { headers: withCookie(first), json: {} });
    expect(rotated.status).toBe(200);
    const { access } = (await rotated.json()) as { access: string };
    expect(cookieOf(rotated)).not.toBe(cookieOf(first));
    expect((await me(access)).status).toBe(200);
    const out = await api("/api/auth/token/revoke/", { headers: withCookie(rotated), json: {} });
    expect(out.status).toBe(204);
    expect(out.headers.get("Set-Cookie")).toMatch(/vigil_refresh=;.*Max-Age=0/);
    await expectRevoked(access);
  });

  it("without the header the cookie is ignored, as DRF clients expect (refresh is then required)", async () => {
    const user = await createUser("analyst");
    const pair = await login(user);
    const res = await api("/api/auth/token/refresh/", {
      headers: { Cookie: `vigil_refresh=${pair.refresh}` },
      json: {},
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: object }).errors).toEqual({ refresh: ["This field is required."] });
  });

  it("X-Vigil-Session is `cookie` or absent: another value is a 400 naming it, and logs no one in", async () => {
    const user = await createUser("analyst");
    for (const value of ["Cookie", "body", "cookie, cookie"]) {
      const res = await api("/api/auth/token/", {
        headers: { "X-Vigil-Session": value },
        json: { username: user.username, password: user.password },
      });
      expect(res.status, value).toBe(400);
      const problem = (await res.json()) as { detail: string; errors: object };
      expect(problem.detail).toBe("The request headers failed validation: X-Vigil-Session.");
      expect(problem.errors).toEqual({ "X-Vigil-Session": ["Must be `cookie`, or left out."] });
      expect(res.headers.get("Set-Cookie")).toBeNull();
    }
    expect(await refreshTokensOf(user.id)).toBe(0);
  });
});
