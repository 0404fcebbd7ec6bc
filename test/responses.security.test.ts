import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, getConfig } from "../src/env";
import { API_CSP, DOCS_CSP } from "../src/http/content-policy";
import app from "../src/index";
import { ingest, uniqueSource } from "./factories";
import { api, createUser, login, type TestUser } from "./helpers";

/** Issue 8, items 10 and 11: what every response says about itself, and where its links point. */
let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

describe("every response carries X-Content-Type-Options: nosniff and Cache-Control: no-store", () => {
  it("authenticated JSON, problem bodies, tokens, public routes and the fallback alike", async () => {
    const user = await createUser("analyst");
    const event = await ingest(admin);
    const responses: [string, Response][] = [
      ["alert list", await api("/api/alerts/", { token: user.token })],
      ["event detail", await api(`/api/events/${event.id}/`, { token: admin.token })],
      [
        "ingest",
        await api("/api/events/", {
          token: admin.token,
          json: { source_name: uniqueSource(), event_type: "x", severity: "Low" },
        }),
      ],
      ["me", await api("/api/auth/me/", { token: user.token })],
      ["validation problem", await api("/api/events/", { token: admin.token, json: {} })],
      ["401", await api("/api/alerts/")],
      ["403", await api("/api/events/", { token: user.token })],
      ["404", await api("/api/nothing-here/")],
      ["405", await api("/api/alerts/", { method: "DELETE" })],
      ["health", await api("/api/health/")],
      ["openapi", await api("/api/openapi.json")],
    ];
    for (const [what, res] of responses) {
      expect(res.headers.get("X-Content-Type-Options"), what).toBe("nosniff");
      expect(res.headers.get("Cache-Control"), what).toBe("no-store");
      // Issue 21, item 6: nothing in an API response may run, load or be framed.
      expect(res.headers.get("Content-Security-Policy"), what).toBe(API_CSP);
      expect(res.headers.get("X-Frame-Options"), what).toBe("DENY");
      expect(res.headers.get("Referrer-Policy"), what).toBe("no-referrer");
    }
  });

  it("the docs page carries its own policy: scripts from this origin only, never framed", async () => {
    const res = await api("/api/docs/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Security-Policy")).toBe(DOCS_CSP);
    expect(res.headers.get("Content-Security-Policy")).toContain("script-src 'self';");
    expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    const html = await res.text();
    expect(html).toContain('<script src="/vendor/scalar/standalone.js"></script>');
    expect(html.match(/<script(?![^>]*\ssrc=")[^>]*>/g)).toBeNull();
  });

  it("the token endpoint's answer is never cached (RFC 6749, section 5.1)", async () => {
    const user = await createUser("analyst");
    const res = await api("/api/auth/token/", { json: { username: user.username, password: user.password } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const pair = await login(user);
    const refreshed = await api("/api/auth/token/refresh/", { json: { refresh: pair.refresh } });
    expect(refreshed.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("pagination links: absolute, built from the path and query, on PUBLIC_BASE_URL when set", () => {
  type Page = { next: string | null; previous: string | null };

  async function page(url: string, overrides: Record<string, string> = {}): Promise<Page> {
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(url, { headers: { Authorization: `Bearer ${admin.token}`, Host: new URL(url).host } }),
      { ...env, ...overrides },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  }

  it("a forged Host cannot point the links elsewhere once PUBLIC_BASE_URL is configured", async () => {
    const source = uniqueSource();
    for (let i = 0; i < 3; i++) await ingest(admin, { source_name: source, severity: "Low" });
    const query = `source_name=${source}&page_size=1&page=2`;
    const body = await page(`http://evil.example/api/events/?${query}`, { PUBLIC_BASE_URL: "https://vigil.example" });
    expect(body.next).toBe(`https://vigil.example/api/events/?source_name=${source}&page_size=1&page=3`);
    expect(body.previous).toBe(`https://vigil.example/api/events/?source_name=${source}&page_size=1`);
  });

  it("without it, the links use the URL the request came to (documented: set it in production)", async () => {
    const source = uniqueSource();
    for (let i = 0; i < 2; i++) await ingest(admin, { source_name: source, severity: "Low" });
    const body = await page(`http://worker.example/api/events/?source_name=${source}&page_size=1`);
    expect(body.next).toBe(`http://worker.example/api/events/?source_name=${source}&page_size=1&page=2`);
  });

  it("PUBLIC_BASE_URL must be an http(s) origin: anything else is a configuration error naming it", () => {
    for (const bad of [
      "vigil.example",
      "ftp://vigil.example",
      "https://vigil.example/api",
      "https://u:p@vigil.example",
    ]) {
      expect(() => getConfig({ ...env, PUBLIC_BASE_URL: bad }), bad).toThrow(ConfigError);
      expect(() => getConfig({ ...env, PUBLIC_BASE_URL: bad }), bad).toThrow(/PUBLIC_BASE_URL/);
    }
    expect(getConfig({ ...env, PUBLIC_BASE_URL: "https://vigil.example/" }).PUBLIC_BASE_URL).toBe(
      "https://vigil.example",
    );
  });
});
