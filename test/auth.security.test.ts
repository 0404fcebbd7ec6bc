import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createUser, login, type TestUser } from "./helpers";

let user: TestUser;
beforeAll(async () => {
  user = await createUser("analyst");
});

const secret = () => new TextEncoder().encode(env.JWT_SECRET);
const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

/** A token like the server's, with any claim overridden. */
function forge(claims: Record<string, unknown> = {}, key: Uint8Array = secret()) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_type: "access", username: user.username, role: "admin", sid: "s", gen: 0, ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(user.id))
    .setIssuer((claims.iss as string) ?? env.JWT_ISSUER)
    .setAudience((claims.aud as string) ?? env.JWT_AUDIENCE)
    .setIssuedAt((claims.iat as number) ?? now)
    .setExpirationTime((claims.exp as number) ?? now + 600)
    .setJti(crypto.randomUUID())
    .sign(key);
}

async function expect401(headers: Record<string, string>) {
  const res = await api("/api/auth/me/", { headers });
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="vigil"/);
  const body = (await res.json()) as { status: number; detail: string };
  expect(body.status).toBe(401);
  expect(typeof body.detail).toBe("string");
}

describe("access tokens are checked in middleware (contract section 2)", () => {
  it("missing Authorization header -> 401", () => expect401({}));
  it("malformed Authorization header -> 401", () => expect401({ Authorization: "Token abc" }));
  it("garbage bearer token -> 401", () => expect401({ Authorization: "Bearer not.a.jwt" }));

  it("alg: none -> 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({
      token_type: "access",
      sub: String(user.id),
      username: user.username,
      role: "admin",
      iss: env.JWT_ISSUER,
      aud: env.JWT_AUDIENCE,
      iat: now,
      exp: now + 600,
      jti: "x",
    })}.`;
    await expect401({ Authorization: `Bearer ${token}` });
  });

  it("tampered claims with the original signature -> 401", async () => {
    const [header, , signature] = user.token.split(".");
    const payload = JSON.parse(atob((user.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    const tampered = `${header}.${b64url({ ...payload, role: "admin" })}.${signature}`;
    await expect401({ Authorization: `Bearer ${tampered}` });
  });

  it("signed with another secret -> 401", async () => {
    await expect401({ Authorization: `Bearer ${await forge({}, new TextEncoder().encode("x".repeat(40)))}` });
  });

  it("expired -> 401", async () => {
    await expect401({ Authorization: `Bearer ${await forge({ exp: Math.floor(Date.now() / 1000) - 60 })}` });
  });

  it("wrong issuer -> 401", async () => expect401({ Authorization: `Bearer ${await forge({ iss: "evil" })}` }));
  it("wrong audience -> 401", async () => expect401({ Authorization: `Bearer ${await forge({ aud: "evil" })}` }));

  it("correctly signed but issued in the future (beyond the clock skew) -> 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect401({ Authorization: `Bearer ${await forge({ iat: now + 120, exp: now + 600 })}` });
    // Within the skew it is accepted: clocks differ a little.
    expect((await api("/api/auth/me/", { token: await forge({ iat: now + 10, exp: now + 600 }) })).status).toBe(200);
  });

  it("correctly signed but living longer than ACCESS_TOKEN_TTL_SECONDS -> 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect401({
      Authorization: `Bearer ${await forge({ iat: now, exp: now + Number(env.ACCESS_TOKEN_TTL_SECONDS) + 1 })}`,
    });
  });

  it("a token verified once is still refused once it expires (the isolate's cache re-checks exp)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await forge({ iat: now, exp: now + 2 });
    expect((await api("/api/auth/me/", { token })).status).toBe(200);
    // Expiry is the subject: let the clock pass it.
    await new Promise((resolve) => setTimeout(resolve, (now + 2) * 1000 - Date.now() + 100));
    await expect401({ Authorization: `Bearer ${token}` });
  });

  it("an access token without its session or generation claims -> 401", async () => {
    await expect401({ Authorization: `Bearer ${await forge({ sid: undefined })}` });
    await expect401({ Authorization: `Bearer ${await forge({ gen: "0" })}` });
  });

  it("a refresh token presented as an access token -> 401", async () => {
    const { refresh } = await login(user);
    await expect401({ Authorization: `Bearer ${refresh}` });
  });

  it("an access token presented as a refresh token -> 401", async () => {
    const res = await api("/api/auth/token/refresh/", { json: { refresh: user.token } });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
  });

  it("a tampered refresh token -> 401", async () => {
    const { refresh } = await login(user);
    const res = await api("/api/auth/token/refresh/", { json: { refresh: `${refresh.slice(0, -2)}xx` } });
    expect(res.status).toBe(401);
  });

  it("the forged-token helper itself produces tokens the API accepts (so the 401s above mean something)", async () => {
    const res = await api("/api/auth/me/", { token: await forge() });
    expect(res.status).toBe(200);
  });
});

describe("login does not reveal which usernames exist (contract section 2)", () => {
  it("wrong username, wrong password and inactive user get the same 401 body", async () => {
    const inactive = await createUser("analyst", { active: false });
    const attempts = [
      { username: `nobody-${crypto.randomUUID()}`, password: "whatever-password" },
      { username: user.username, password: "wrong-password-123" },
      { username: inactive.username, password: inactive.password },
    ];
    const bodies = await Promise.all(
      attempts.map(async (a) => {
        const res = await api("/api/auth/token/", { json: a });
        expect(res.status).toBe(401);
        expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
        const { request_id: _id, ...rest } = (await res.json()) as Record<string, unknown>;
        return rest;
      }),
    );
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });
});
