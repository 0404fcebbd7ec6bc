import { describe, expect, it } from "vitest";
import { api, problem } from "./helpers";

describe("HTTP conventions (contract section 1)", () => {
  it("an unknown route is a 404 problem with request_id", async () => {
    const res = await api("/api/no-such-thing/");
    expect(res.status).toBe(404);
    const body = await problem(res);
    expect(body).toMatchObject({ status: 404, title: "Not found", instance: "/api/no-such-thing/" });
    expect(body.request_id).toBe(res.headers.get("X-Request-Id"));
    expect(typeof body.detail).toBe("string");
  });

  it("a known route with the wrong method is 405 with an Allow header", async () => {
    const res = await api("/api/health/", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect(await problem(res)).toMatchObject({ status: 405 });
  });

  it("echoes a valid incoming X-Request-Id", async () => {
    const id = "trace-0123456789abcdef";
    const res = await api("/api/health/live/", { headers: { "X-Request-Id": id } });
    expect(res.headers.get("X-Request-Id")).toBe(id);
  });

  it("replaces an invalid X-Request-Id with a generated one", async () => {
    const res = await api("/api/no-such-thing/", { headers: { "X-Request-Id": "bad id <script>" } });
    const generated = res.headers.get("X-Request-Id");
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await problem(res)).request_id).toBe(generated);
  });

  it("serves an OpenAPI 3.1 document and the interactive docs page", async () => {
    const doc = await api("/api/openapi.json");
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe("3.1.0");
    expect(Object.keys(body.paths)).toContain("/api/health/");
    const docs = await api("/api/docs/");
    expect(docs.status).toBe(200);
    expect(docs.headers.get("Content-Type")).toMatch(/text\/html/);
  });
});

describe("the scheduled handler is not reachable over HTTP", () => {
  // wrangler dev (npm run dev) adds /cdn-cgi/local/scheduled in front of the Worker on
  // loopback; the deployed Worker's fetch handler is only the app, which has no such route.
  it.each(["/__scheduled?cron=*+*+*+*+*", "/cdn-cgi/local/scheduled", "/api/__scheduled"])(
    "%s is a 404 problem from the Worker's own fetch handler",
    async (path) => {
      const res = await api(path);
      expect(res.status).toBe(404);
      expect(await problem(res)).toMatchObject({ status: 404 });
    },
  );
});
