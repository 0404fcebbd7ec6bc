import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiWith, createUser, login, api as plain, problem, roundTrips, type TestUser } from "./helpers";

/**
 * Contract section 7. These tests run the Worker with small limits of their own, by handing it a
 * modified env (configuration is read per env object); the Durable Object is the real one.
 */
const remaining = (res: Response) => Number(/r=(\d+)/.exec(res.headers.get("RateLimit") ?? "")?.[1]);
const randomIp = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 4)}`;

describe("per-principal throttling (contract section 7)", () => {
  it("admits exactly the limit with decreasing RateLimit headers, then 429 with Retry-After", async () => {
    const api = apiWith({ RATE_LIMIT_READ: "3/60s" });
    const user = await createUser("analyst");
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await api("/api/alerts/", { token: user.token }));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(responses.slice(0, 3).map(remaining)).toEqual([2, 1, 0]);
    for (const res of responses) expect(res.headers.get("RateLimit-Policy")).toBe('"read";q=3;w=60');
    const refused = responses[3] as Response;
    // One request refills every 20 s.
    expect(refused.headers.get("Retry-After")).toBe("20");
    expect(refused.headers.get("RateLimit")).toMatch(/^"read";r=0;t=\d+$/);
    expect(await problem(refused)).toMatchObject({ status: 429, title: "Too many requests" });
  });

  it("a person's reads run beside the guard, but once refused they wait for it: no query for a 429 or a dead token", async () => {
    const api = apiWith({ RATE_LIMIT_READ: "1/60s" });
    const user = await createUser("analyst");
    const list = () => api("/api/alerts/?page_size=1", { token: user.token });
    expect(roundTrips(await list())).toBe(1);
    // The first refusal is learnt from the guard's answer, beside a query already made.
    expect((await list()).status).toBe(429);
    const again = await list();
    expect(again.status).toBe(429);
    expect(roundTrips(again)).toBe(0);

    const other = await createUser("analyst");
    const pair = await login(other);
    expect((await plain("/api/auth/token/revoke/", { json: { refresh: pair.refresh } })).status).toBe(204);
    expect((await plain("/api/alerts/?page_size=1", { token: pair.access })).status).toBe(401);
    const dead = await plain("/api/alerts/?page_size=1", { token: pair.access });
    expect(dead.status).toBe(401);
    expect(roundTrips(dead)).toBe(0);
  });

  it("principals and scopes do not share budgets", async () => {
    const api = apiWith({ RATE_LIMIT_READ: "1/60s", RATE_LIMIT_INGEST: "1/60s" });
    const [a, b] = await Promise.all([createUser("admin"), createUser("admin")]);
    expect((await api("/api/events/", { token: a.token })).status).toBe(200);
    expect((await api("/api/events/", { token: a.token })).status).toBe(429);
    expect((await api("/api/events/", { token: b.token })).status).toBe(200);
    const ingest = await api("/api/events/", {
      token: a.token,
      json: { source_name: "s", event_type: "t", severity: "Low" },
    });
    expect(ingest.status).toBe(201);
    expect(ingest.headers.get("RateLimit-Policy")).toBe('"ingest";q=1;w=60');
  });

  it("a batch costing more than the whole budget is 413 at once, stating the largest batch, with no Retry-After", async () => {
    // Issue 21, item 3: it was a 429 whose Retry-After could never come true.
    const api = apiWith({ RATE_LIMIT_INGEST: "5/2s" });
    const admin = await createUser("admin");
    const batch = (n: number) =>
      api("/api/events/batch/", {
        token: admin.token,
        json: Array.from({ length: n }, (_, i) => ({ source_name: `budget-${i}`, event_type: "t", severity: "Low" })),
      });
    const tooBig = await batch(6);
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("Retry-After")).toBeNull();
    expect(tooBig.headers.get("RateLimit-Policy")).toBe('"ingest";q=5;w=2');
    const body = await problem(tooBig);
    expect(body.detail).toMatch(/the largest batch this credential can ever send is 5 events/);
    // It spent nothing: the whole budget is still there.
    expect((await batch(5)).status).toBe(200);
    // Over the budget now, but not over its size: a 429 whose Retry-After comes true.
    const later = await batch(5);
    expect(later.status).toBe(429);
    const wait = Number(later.headers.get("Retry-After"));
    expect(wait).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    expect((await batch(5)).status).toBe(200);
  });

  it("many concurrent requests never get more than the limit through", async () => {
    const api = apiWith({ RATE_LIMIT_READ: "5/60s" });
    const user = await createUser("analyst");
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () => api("/api/auth/me/", { token: user.token }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });

  it("a malformed limit is a configuration error naming the variable, not a silent default", async () => {
    const api = apiWith({ RATE_LIMIT_READ: "10/minute" });
    const user = await createUser("analyst");
    const res = await api("/api/alerts/", { token: user.token });
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toMatch(/RATE_LIMIT/); // logged, never shown to clients
  });
});

describe("when the limiter cannot be reached", () => {
  const down = () => Promise.reject(new Error("guard down"));
  const broken = {
    GUARD: {
      idFromName: (name: string) => env.GUARD.idFromName(name),
      get: () => ({ admit: down, consume: down, attemptLogin: down, loginSucceeded: down }),
    },
  };

  it("data routes fail open", async () => {
    const user = await createUser("analyst");
    const res = await apiWith(broken)("/api/alerts/", { token: user.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit")).toBeNull();
  });

  it("the token endpoints fail closed (503)", async () => {
    const user = await createUser("analyst");
    const res = await apiWith(broken)("/api/auth/token/", {
      json: { username: user.username, password: user.password },
    });
    expect(res.status).toBe(503);
    await problem(res);
  });
});

describe("login throttling (contract sections 2 and 7)", () => {
  const attempt = (api: ReturnType<typeof apiWith>, user: TestUser, password: string, ip = randomIp()) =>
    api("/api/auth/token/", { ip, json: { username: user.username, password } });

  it("wrong passwords for one username are throttled even from many IPs, and then the right one from a new IP is refused too", async () => {
    const api = apiWith({ RATE_LIMIT_AUTH_USERNAME: "3/60s" });
    const user = await createUser("admin");
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(api, user, "wrong-password-x")).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const right = await attempt(api, user, user.password);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  });

  it("one IP trying many usernames is throttled", async () => {
    const api = apiWith({ RATE_LIMIT_AUTH: "3/60s" });
    const ip = randomIp();
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await api("/api/auth/token/", {
        ip,
        json: { username: `ghost-${crypto.randomUUID()}`, password: "guess-guess-guess" },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it("successful logins do not use up the username's budget", async () => {
    const api = apiWith({ RATE_LIMIT_AUTH_USERNAME: "2/60s" });
    const user = await createUser("analyst");
    for (let i = 0; i < 4; i++) expect((await attempt(api, user, user.password)).status).toBe(200);
    expect((await attempt(api, user, "wrong-password-x")).status).toBe(401);
  });
});

/** Issue 21, item 8: bogus refreshes from an office's address must not sign its users out. */
describe("refresh and revoke throttling: per session for valid tokens, per address for the rest", () => {
  it("an address flooded with bogus refreshes still refreshes and logs in its real sessions", async () => {
    const api = apiWith({ RATE_LIMIT_AUTH: "5/60s", RATE_LIMIT_REFRESH: "5/60s", RATE_LIMIT_REFRESH_INVALID: "3/60s" });
    const office = randomIp();
    const user = await createUser("analyst");
    const login = await api("/api/auth/token/", {
      ip: office,
      json: { username: user.username, password: user.password },
    });
    expect(login.status).toBe(200);
    let { refresh } = (await login.json()) as { refresh: string };

    // Someone behind the same address: garbage, a token of another shape, no token at all.
    const bogus = ["garbage", `${refresh.slice(0, -4)}AAAA`, "eyJhbGciOiJub25lIn0.e30."];
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const res = await api("/api/auth/token/refresh/", { ip: office, json: { refresh: bogus[i % 3] } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(new Set(statuses.slice(3))).toEqual(new Set([429]));

    // The real session, from the same address: refreshed every time, within its own budget.
    for (let i = 0; i < 3; i++) {
      const res = await api("/api/auth/token/refresh/", { ip: office, json: { refresh } });
      expect(res.status).toBe(200);
      expect(res.headers.get("RateLimit-Policy")).toBe('"refresh";q=5;w=60');
      ({ refresh } = (await res.json()) as { refresh: string });
    }
    // And a sign-in from that address is not refused either: the login budget is untouched.
    const other = await createUser("analyst");
    const signIn = await api("/api/auth/token/", {
      ip: office,
      json: { username: other.username, password: other.password },
    });
    expect(signIn.status).toBe(200);
    // Logout works too, on the session's budget.
    expect((await api("/api/auth/token/revoke/", { ip: office, json: { refresh } })).status).toBe(204);
  });

  it("one session's refreshes are bounded by its own budget, from any address", async () => {
    const api = apiWith({ RATE_LIMIT_REFRESH: "2/60s" });
    const user = await createUser("analyst");
    const pair = await login(user);
    let refresh = pair.refresh;
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await api("/api/auth/token/refresh/", { ip: randomIp(), json: { refresh } });
      statuses.push(res.status);
      if (res.status === 200) ({ refresh } = (await res.json()) as { refresh: string });
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
