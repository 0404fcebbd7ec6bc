import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueSource } from "./factories";
import { api, createUser, db, problem, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const valid = () => ({ source_name: uniqueSource(), event_type: "brute_force", severity: "Low" });

async function eventsFrom(source_name: string): Promise<number> {
  const { rows } = await db().execute<{ n: number }>(
    sql`select count(*)::int as n from events where source_name = ${source_name}`,
  );
  return rows[0]?.n ?? -1;
}

/** Posts a body that must be refused with 400 naming `field`, and leave nothing behind. */
async function expectFieldError(body: Record<string, unknown>, field: string, message?: RegExp) {
  const res = await api("/api/events/", { token: admin.token, json: body });
  expect(res.status).toBe(400);
  const p = (await problem(res)) as { errors: Record<string, string[]>; detail: string };
  expect(Object.keys(p.errors)).toContain(field);
  if (message) expect(p.errors[field]?.join(" ")).toMatch(message);
  expect(p.detail).toMatch(/failed validation/);
  if (typeof body.source_name === "string") expect(await eventsFrom(body.source_name)).toBe(0);
}

describe("event validation (contract section 4)", () => {
  it("source_name is required and not blank after trimming", async () => {
    const { source_name: _omit, ...rest } = valid();
    await expectFieldError(rest, "source_name", /required/);
    await expectFieldError({ ...valid(), source_name: "   " }, "source_name", /blank/);
  });

  it("source_name is at most 255 characters, event_type at most 100", async () => {
    await expectFieldError({ ...valid(), source_name: "s".repeat(256) }, "source_name");
    await expectFieldError({ ...valid(), event_type: "e".repeat(101) }, "event_type");
    const ok = await api("/api/events/", {
      token: admin.token,
      json: { ...valid(), source_name: "s".repeat(255), event_type: "e".repeat(100) },
    });
    expect(ok.status).toBe(201);
  });

  it("severity must be exactly one of Low, Medium, High, Critical", async () => {
    await expectFieldError({ ...valid(), severity: "high" }, "severity");
    await expectFieldError({ ...valid(), severity: "Severe" }, "severity");
    await expectFieldError({ ...valid(), severity: 3 }, "severity");
  });

  it("a Critical event needs a description of at least 20 characters after trimming", async () => {
    const nineteen = `   ${"x".repeat(19)}   `;
    await expectFieldError({ ...valid(), severity: "Critical" }, "description", /20/);
    await expectFieldError({ ...valid(), severity: "Critical", description: nineteen }, "description", /20/);
    const ok = await api("/api/events/", {
      token: admin.token,
      json: { ...valid(), severity: "Critical", description: "x".repeat(20) },
    });
    expect(ok.status).toBe(201);
  });

  it("description is at most 10,000 characters", async () => {
    await expectFieldError({ ...valid(), description: "d".repeat(10_001) }, "description");
    const ok = await api("/api/events/", { token: admin.token, json: { ...valid(), description: "d".repeat(10_000) } });
    expect(ok.status).toBe(201);
  });

  it("occurred_at must be an ISO timestamp no more than 5 minutes in the future", async () => {
    await expectFieldError({ ...valid(), occurred_at: "yesterday" }, "occurred_at");
    await expectFieldError({ ...valid(), occurred_at: "2026-01-01T00:00:00" }, "occurred_at");
    const tooLate = new Date(Date.now() + 6 * 60_000).toISOString();
    await expectFieldError({ ...valid(), occurred_at: tooLate }, "occurred_at", /future/);
    const skewed = new Date(Date.now() + 4 * 60_000).toISOString();
    expect((await api("/api/events/", { token: admin.token, json: { ...valid(), occurred_at: skewed } })).status).toBe(
      201,
    );
  });

  it("metadata must be a JSON object of at most 16 KiB", async () => {
    await expectFieldError({ ...valid(), metadata: [1, 2] }, "metadata");
    await expectFieldError({ ...valid(), metadata: "text" }, "metadata");
    await expectFieldError({ ...valid(), metadata: { blob: "m".repeat(16 * 1024) } }, "metadata", /16 KiB/);
  });

  it("unknown fields are rejected and named: no mass assignment", async () => {
    const res = await api("/api/events/", {
      token: admin.token,
      json: { ...valid(), id: 1, created_at: "2020-01-01T00:00:00Z", alert: { id: 1, status: "Resolved" } },
    });
    expect(res.status).toBe(400);
    const p = (await problem(res)) as { errors: Record<string, string[]> };
    expect(Object.keys(p.errors).sort()).toEqual(["alert", "created_at", "id"]);
  });

  it("NUL bytes are refused cleanly, never a 500", async () => {
    await expectFieldError({ ...valid(), event_type: "a\u0000b" }, "event_type");
    await expectFieldError({ ...valid(), description: "a\u0000b" }, "description");
    await expectFieldError({ ...valid(), metadata: { k: "a\u0000b" } }, "metadata");
  });

  it("wrong JSON types get a 400 field map", async () => {
    await expectFieldError({ ...valid(), source_name: 42 }, "source_name");
    await expectFieldError({ ...valid(), description: ["x"] }, "description");
    await expectFieldError({ ...valid(), event_type: null }, "event_type");
  });
});

describe("request bodies are guarded before any handler runs (contract section 1)", () => {
  const post = (body: string, contentType = "application/json") =>
    api("/api/events/", { method: "POST", token: admin.token, body, headers: { "Content-Type": contentType } });

  it("another Content-Type -> 415", async () => {
    const source_name = uniqueSource();
    const res = await post(JSON.stringify({ ...valid(), source_name }), "text/plain");
    expect(res.status).toBe(415);
    await problem(res);
    expect(await eventsFrom(source_name)).toBe(0);
  });

  it("no Content-Type at all -> 415", async () => {
    const res = await api("/api/events/", { method: "POST", token: admin.token, body: JSON.stringify(valid()) });
    expect(res.status).toBe(415);
  });

  it("malformed JSON -> 400", async () => {
    const res = await post('{"source_name": "x",');
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({ detail: "The request body is not valid JSON." });
  });

  it("a JSON value that is not an object -> 400", async () => {
    for (const body of ["[1,2]", '"text"', "42", "null"]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      await problem(res);
    }
  });

  it("a body over the limit (64 KiB) -> 413, with or without Content-Length", async () => {
    const big = JSON.stringify({ ...valid(), description: "x".repeat(70 * 1024) });
    expect((await post(big)).status).toBe(413);
    const stream = new Blob([big]).stream();
    const chunked = await api("/api/events/", {
      method: "POST",
      token: admin.token,
      body: stream,
      headers: { "Content-Type": "application/json" },
      // @ts-expect-error duplex is required for streamed request bodies
      duplex: "half",
    });
    expect(chunked.status).toBe(413);
  });

  it("a declared body it will refuse is never waited for: 413 past the limit, 401 unauthenticated", async () => {
    // A client that declares a body and never sends it (issue 21: under wrangler dev, whose
    // local proxy reads the whole body first, such a request is never answered; the Worker
    // itself answers from the headers alone).
    const neverEnds = () => new ReadableStream<Uint8Array>({ pull: () => new Promise<void>(() => {}) });
    const declared = (length: number, token?: string) =>
      api("/api/events/", {
        method: "POST",
        token,
        body: neverEnds(),
        headers: { "Content-Type": "application/json", "Content-Length": String(length) },
        // @ts-expect-error duplex is required for streamed request bodies
        duplex: "half",
      });
    const tooLarge = await declared(10_000_000, admin.token);
    expect(tooLarge.status).toBe(413);
    expect(await problem(tooLarge)).toMatchObject({ status: 413 });
    expect((await declared(100)).status).toBe(401);
  });
});

describe("events are append-only (contract section 4)", () => {
  it("PUT, PATCH and DELETE on an event -> 405 with Allow", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await api("/api/events/1/", { method, token: admin.token });
      expect(res.status).toBe(405);
      expect(res.headers.get("Allow")).toBe("GET, HEAD");
    }
  });

  it("a non-integer or unknown id -> 404", async () => {
    for (const id of ["abc", "0", "-1", "1.5", "99999999999"]) {
      const res = await api(`/api/events/${id}/`, { token: admin.token });
      expect(res.status).toBe(404);
      await problem(res);
    }
  });
});
