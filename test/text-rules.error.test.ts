import { beforeAll, describe, expect, it } from "vitest";
import { lowEvent as event, uniqueSource } from "./factories";
import { api, createUser, problem, type TestUser } from "./helpers";
import { eventsFrom, refreshTokensOf, storedEvent } from "./stored";

/**
 * The text rules, the same wherever a string enters (issue 8, items 3 and 4, and the length
 * rule): NUL and lone UTF-16 surrogates are refused with 400, never a 500 and never stored as
 * something else; lengths count characters as sent, before trimming.
 */
let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

type Problem = { errors?: Record<string, string[]> };

async function expectRefused(body: Record<string, unknown>, field: string, message: RegExp) {
  const res = await api("/api/events/", { token: admin.token, json: body });
  expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
  const p = (await problem(res)) as Problem;
  expect(Object.keys(p.errors ?? {})).toEqual([field]);
  expect(p.errors?.[field]?.join(" ")).toMatch(message);
  if (typeof body.source_name === "string") expect(await eventsFrom(body.source_name)).toBe(0);
}

describe("lone UTF-16 surrogates are refused (400) in every field, never stored as U+FFFD", () => {
  it.each([
    ["event_type", "\udc00probe", /U\+DC00/],
    ["description", "tail \udbff", /U\+DBFF/],
  ])("in %s", async (field, value, code) => {
    await expectRefused(event({ [field]: value }), field, code);
  });

  it("in source_name (nothing stored, not even with U+FFFD in its place)", async () => {
    const source = uniqueSource();
    await expectRefused(
      event({ source_name: `${source}\ud800` }),
      "source_name",
      /Surrogate characters are not allowed: U\+D800/,
    );
    expect(await eventsFrom(`${source}\ufffd`)).toBe(0);
  });

  it("in metadata keys and values, at any depth", async () => {
    await expectRefused(event({ metadata: { "\ud800": 1 } }), "metadata", /U\+D800/);
    await expectRefused(event({ metadata: { user: "\udfff" } }), "metadata", /U\+DFFF/);
    await expectRefused(event({ metadata: { a: [{ b: ["ok", "\ud83d"] }] } }), "metadata", /U\+D83D/);
  });

  it("a proper surrogate pair (an emoji) is text, stored as sent", async () => {
    const body = event({ event_type: "phish 🎣", description: "🎣", metadata: { "🔑": "🔓" } });
    const res = await api("/api/events/", { token: admin.token, json: body });
    expect(res.status).toBe(201);
    const stored = await storedEvent(((await res.json()) as { id: number }).id);
    expect(stored).toMatchObject({ event_type: "phish 🎣", description: "🎣", metadata: { "🔑": "🔓" } });
  });

  it("in the login username and password, and in a refresh token (400, before any authentication)", async () => {
    const user = await createUser("analyst");
    for (const json of [
      { username: `${user.username}\ud800`, password: user.password },
      { username: user.username, password: `${user.password}\udc00` },
    ]) {
      const res = await api("/api/auth/token/", { json });
      expect(res.status).toBe(400);
      await problem(res);
    }
    expect(await refreshTokensOf(user.id)).toBe(0);
    const res = await api("/api/auth/token/refresh/", { json: { refresh: "a.b\ud800.c" } });
    expect(res.status).toBe(400);
  });
});

describe("NUL characters are refused (400) wherever a string enters", () => {
  it("in the source_name and event_type filters", async () => {
    for (const query of ["source_name=a%00b", "event_type=%00"]) {
      const res = await api(`/api/events/?${query}`, { token: admin.token });
      expect(res.status, query).toBe(400);
      const p = (await problem(res)) as Problem;
      expect(
        Object.values(p.errors ?? {})
          .flat()
          .join(" "),
      ).toMatch(/Null characters are not allowed/);
    }
  });

  it("in the login username, before any authentication", async () => {
    const user = await createUser("analyst");
    const res = await api("/api/auth/token/", {
      json: { username: `${user.username}\u0000`, password: user.password },
    });
    expect(res.status).toBe(400);
    expect(((await problem(res)) as Problem).errors).toEqual({ username: ["Null characters are not allowed."] });
    expect(await refreshTokensOf(user.id)).toBe(0);
  });

  it("in source_name, and in a metadata key", async () => {
    await expectRefused(event({ metadata: { "a\u0000": 1 } }), "metadata", /Null characters/);
    const body = event({ event_type: "x\u0000" });
    await expectRefused(body, "event_type", /Null characters/);
  });
});

describe("lengths count characters as sent, before trimming", () => {
  it('"x" followed by 255 spaces is over source_name\'s 255 (400); 255 characters are fine', async () => {
    await expectRefused(event({ source_name: `x${" ".repeat(255)}` }), "source_name", /no more than 255/);
    await expectRefused(event({ event_type: ` ${"e".repeat(100)}` }), "event_type", /no more than 100/);
    const ok = event({ source_name: `  ${"s".repeat(253)}` });
    const res = await api("/api/events/", { token: admin.token, json: ok });
    expect(res.status).toBe(201);
    // Stored trimmed.
    expect((await storedEvent(((await res.json()) as { id: number }).id))?.source_name).toBe("s".repeat(253));
  });

  it("a character outside the BMP counts once, as in PostgreSQL and JSON Schema", async () => {
    const body = event({ source_name: "🛡".repeat(255) });
    const res = await api("/api/events/", { token: admin.token, json: body });
    expect(res.status).toBe(201);
    expect((await storedEvent(((await res.json()) as { id: number }).id))?.source_name).toBe("🛡".repeat(255));
    await expectRefused(event({ source_name: "🛡".repeat(256) }), "source_name", /no more than 255/);
  });

  it("the filters have the field's length limit too", async () => {
    const res = await api(`/api/events/?source_name=${"s".repeat(256)}`, { token: admin.token });
    expect(res.status).toBe(400);
    expect(Object.keys(((await problem(res)) as Problem).errors ?? {})).toEqual(["source_name"]);
  });
});
