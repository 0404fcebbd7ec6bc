import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import app from "../src/index";
import { api, createUser, problem } from "./helpers";

describe("GET /api/health/", () => {
  it("answers 200 with the database reachable", async () => {
    const res = await api("/api/health/");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("works without the trailing slash, without a redirect", async () => {
    const res = await api("/api/health");
    expect(res.status).toBe(200);
  });

  // Bounded by the driver timeout (10 s) well inside the test timeout: a hang fails the test.
  it("answers 503 problem+json when the database is unreachable", async () => {
    // The same Worker code with DATABASE_URL pointing at a port where nothing listens.
    const deadEnv = { ...env, DATABASE_URL: env.DEAD_DATABASE_URL };
    const res = await app.fetch(new Request("http://vigil.test/api/health/"), deadEnv);
    expect(res.status).toBe(503);
    const body = await problem(res);
    expect(body).toMatchObject({ status: 503, title: "Service unavailable", instance: "/api/health/" });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/i);
  });
});

describe("with the database down, data routes answer 503, never 500 (contract section 8)", () => {
  it("list, read, ingest and login all give a 503 problem", async () => {
    const admin = await createUser("admin");
    const deadEnv = { ...env, DATABASE_URL: env.DEAD_DATABASE_URL };
    const auth = { Authorization: `Bearer ${admin.token}`, "Content-Type": "application/json" };
    const requests = [
      new Request("http://vigil.test/api/alerts/", { headers: auth }),
      new Request("http://vigil.test/api/events/1/", { headers: auth }),
      new Request("http://vigil.test/api/events/", {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ source_name: "s", event_type: "t", severity: "High" }),
      }),
      new Request("http://vigil.test/api/auth/token/", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: admin.username, password: admin.password }),
      }),
    ];
    for (const request of requests) {
      const res = await app.fetch(request, deadEnv);
      expect(res.status, request.url).toBe(503);
      expect(res.headers.get("Retry-After")).toBe("5");
      await problem(res);
    }
  });
});
