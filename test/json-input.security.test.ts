import { beforeAll, describe, expect, it } from "vitest";
import { lowEvent as event, openAlert, uniqueSource } from "./factories";
import { api, createUser, problem, type TestUser } from "./helpers";
import { alertRow, eventsFrom, refreshTokensOf, storedEvent } from "./stored";

/**
 * Hostile JSON bodies (issue 8, items 1 and 5, and the body rules of contract section 1): each is
 * a clear 4xx problem, never a 500, and leaves nothing behind.
 */
let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

/** Raw JSON text with one more member appended, so keys like `__proto__` reach the server as sent. */
const withMember = (body: object, key: string, value = "1") =>
  `${JSON.stringify(body).slice(0, -1)},"${key}":${value}}`;

const send = (path: string, body: string, init: { method?: string; token?: string; contentType?: string } = {}) =>
  api(path, {
    method: init.method ?? "POST",
    token: init.token,
    body,
    headers: { "Content-Type": init.contentType ?? "application/json" },
  });

type Problem = { status: number; detail: string; errors?: Record<string, string[]>; request_id: string };

const PROTOTYPE_NAMES = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];

describe("a body key named like a built-in property is an unknown field (400 naming it), on every JSON route", () => {
  it.each(PROTOTYPE_NAMES)("POST /api/events/ with %s", async (key) => {
    const body = event();
    const res = await send("/api/events/", withMember(body, key), { token: admin.token });
    expect(res.status).toBe(400);
    const p = (await problem(res)) as Problem;
    expect(Object.keys(p.errors ?? {})).toEqual([key]);
    expect(p.errors?.[key]).toEqual(["Unknown field."]);
    expect(await eventsFrom(body.source_name)).toBe(0);
  });

  it.each(PROTOTYPE_NAMES)("POST /api/auth/token/ with %s, even with the right password", async (key) => {
    const user = await createUser("analyst");
    const res = await send("/api/auth/token/", withMember({ username: user.username, password: user.password }, key));
    expect(res.status).toBe(400);
    expect(Object.keys(((await problem(res)) as Problem).errors ?? {})).toEqual([key]);
    expect(await refreshTokensOf(user.id)).toBe(0);
  });

  it.each(PROTOTYPE_NAMES)("refresh, revoke and PATCH with %s", async (key) => {
    for (const path of ["/api/auth/token/refresh/", "/api/auth/token/revoke/"]) {
      const res = await send(path, withMember({ refresh: "x.y.z" }, key));
      expect(res.status, path).toBe(400);
      expect(Object.keys(((await problem(res)) as Problem).errors ?? {})).toEqual([key]);
    }
    const id = await openAlert(admin);
    const res = await send(`/api/alerts/${id}/`, withMember({ status: "Resolved" }, key), {
      method: "PATCH",
      token: admin.token,
    });
    expect(res.status).toBe(400);
    expect(Object.keys(((await problem(res)) as Problem).errors ?? {})).toEqual([key]);
    expect((await alertRow(id))?.status).toBe("Open");
  });
});

describe("metadata: a free-form JSON object, guarded without recursion", () => {
  const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

  it("arrays nested 4,500 deep (9 KB, under the size cap) -> 400 naming metadata, nothing stored", async () => {
    const body = event();
    const res = await send("/api/events/", withMember(body, "metadata", `{"a":${nested(4500)}}`), {
      token: admin.token,
    });
    expect(res.status).toBe(400);
    expect(((await problem(res)) as Problem).errors?.metadata?.join(" ")).toMatch(/32 levels/);
    expect(await eventsFrom(body.source_name)).toBe(0);
  });

  it("32 levels (the object itself and 31 nested arrays) are stored as sent; 33 are refused", async () => {
    const ok = event();
    const res = await send("/api/events/", withMember(ok, "metadata", `{"a":${nested(31)}}`), { token: admin.token });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    expect(JSON.stringify((await storedEvent(id))?.metadata)).toBe(`{"a":${nested(31)}}`);

    const deep = event();
    const refused = await send("/api/events/", withMember(deep, "metadata", `{"a":${nested(32)}}`), {
      token: admin.token,
    });
    expect(refused.status).toBe(400);
    expect(await eventsFrom(deep.source_name)).toBe(0);
  });

  it("keys named like built-in properties are stored as sent; __proto__ is refused (400)", async () => {
    const ok = event();
    const metadata = '{"constructor":"c","toString":1,"hasOwnProperty":{"valueOf":[]}}';
    const res = await send("/api/events/", withMember(ok, "metadata", metadata), { token: admin.token });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    expect((await storedEvent(id))?.metadata).toEqual(JSON.parse(metadata));

    for (const proto of ['{"__proto__":{"role":"admin"}}', '{"a":[{"__proto__":1}]}']) {
      const body = event();
      const refused = await send("/api/events/", withMember(body, "metadata", proto), { token: admin.token });
      expect(refused.status).toBe(400);
      expect(((await problem(refused)) as Problem).errors?.metadata?.join(" ")).toMatch(/__proto__/);
      expect(await eventsFrom(body.source_name)).toBe(0);
    }
  });

  it("a number too large for a double (it would be stored as null) -> 400", async () => {
    const body = event();
    const res = await send("/api/events/", withMember(body, "metadata", '{"bytes":1e400}'), { token: admin.token });
    expect(res.status).toBe(400);
    expect(Object.keys(((await problem(res)) as Problem).errors ?? {})).toEqual(["metadata"]);
    expect(await eventsFrom(body.source_name)).toBe(0);
  });
});

describe("the body must be UTF-8 JSON (RFC 8259), byte for byte", () => {
  it("a UTF-8 byte order mark before the body -> 400, nothing stored", async () => {
    const body = event();
    const res = await send("/api/events/", `\uFEFF${JSON.stringify(body)}`, { token: admin.token });
    expect(res.status).toBe(400);
    expect(((await problem(res)) as Problem).detail).toMatch(/byte order mark/);
    expect(await eventsFrom(body.source_name)).toBe(0);
  });

  it("bytes that are not UTF-8 -> 400 (never silently replaced by U+FFFD)", async () => {
    const source = uniqueSource();
    const head = new TextEncoder().encode(`{"source_name":"${source}","event_type":"x`);
    const tail = new TextEncoder().encode('","severity":"Low"}');
    const bytes = new Uint8Array([...head, 0xff, 0xfe, ...tail]);
    const res = await api("/api/events/", {
      method: "POST",
      token: admin.token,
      body: bytes,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(((await problem(res)) as Problem).detail).toMatch(/UTF-8/);
    expect(await eventsFrom(source)).toBe(0);
  });
});

describe("media types: application/json only (415 otherwise); PATCH also takes application/merge-patch+json", () => {
  it.each([
    "application/merge-patch+json",
    "application/vnd.api+json",
    "application/problem+json",
    "application/json; charset=iso-8859-1",
    "text/json",
  ])("POST /api/events/ as %s -> 415, nothing stored", async (contentType) => {
    const body = event();
    const res = await send("/api/events/", JSON.stringify(body), { token: admin.token, contentType });
    expect(res.status).toBe(415);
    await problem(res);
    expect(await eventsFrom(body.source_name)).toBe(0);
  });

  it("application/json with charset=utf-8 is JSON", async () => {
    const body = event();
    const res = await send("/api/events/", JSON.stringify(body), {
      token: admin.token,
      contentType: "Application/JSON; charset=UTF-8",
    });
    expect(res.status).toBe(201);
    expect(await eventsFrom(body.source_name)).toBe(1);
  });

  it("the login endpoint refuses merge-patch (415)", async () => {
    const user = await createUser("analyst");
    const res = await send("/api/auth/token/", JSON.stringify({ username: user.username, password: user.password }), {
      contentType: "application/merge-patch+json",
    });
    expect(res.status).toBe(415);
    expect(await refreshTokensOf(user.id)).toBe(0);
  });

  it("PATCH /api/alerts/{id}/ takes application/merge-patch+json (RFC 7396), and refuses vnd.api+json", async () => {
    const id = await openAlert(admin);
    const refused = await send(`/api/alerts/${id}/`, JSON.stringify({ status: "Resolved" }), {
      method: "PATCH",
      token: admin.token,
      contentType: "application/vnd.api+json",
    });
    expect(refused.status).toBe(415);
    expect((await alertRow(id))?.status).toBe("Open");

    const res = await send(`/api/alerts/${id}/`, JSON.stringify({ status: "Acknowledged" }), {
      method: "PATCH",
      token: admin.token,
      contentType: "application/merge-patch+json",
    });
    expect(res.status).toBe(200);
    expect((await alertRow(id))?.status).toBe("Acknowledged");
  });
});

describe("unknown fields with hostile names", () => {
  it("are named in errors as sent, while detail stays text (no NUL, no lone surrogate)", async () => {
    const body = event();
    const text = `${JSON.stringify(body).slice(0, -1)},"\\u0000":1,"\\ud800":2}`;
    const res = await send("/api/events/", text, { token: admin.token });
    expect(res.status).toBe(400);
    const p = (await problem(res)) as Problem;
    // Compared escaped: a lone surrogate in a failure report would break the test runner's own channel.
    const escaped = (text: string) => JSON.stringify(text);
    expect(
      Object.keys(p.errors ?? {})
        .map(escaped)
        .sort(),
    ).toEqual([escaped("\u0000"), escaped("\ud800")]);
    expect(escaped(p.detail)).toBe(escaped("The request body failed validation: \uFFFD, \uFFFD."));
    expect(await eventsFrom(body.source_name)).toBe(0);
  });
});
