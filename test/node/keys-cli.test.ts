import { createHash } from "node:crypto";
import { neon } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import "../../src/db/client"; // routes the driver to the local SQL endpoint
import { type ApiStub, startApiStub } from "./api-stub";
import { runTool } from "./cli";

const databaseUrl = inject("databaseUrl");
let api: ApiStub;
beforeAll(async () => {
  api = await startApiStub(inject("jwtSecret"));
});
afterAll(() => api.close());

const keys = (...args: string[]) =>
  runTool("keys", { DATABASE_URL: databaseUrl, VIGIL_API_URL: api.url, JWT_SECRET: inject("jwtSecret") }, ...args);

describe("keys CLI (contract section 9)", () => {
  const name = `cli-sensor-${crypto.randomUUID().slice(0, 8)}`;
  let key = "";
  let id = 0;

  it("create prints the key once; only its hash is stored", async () => {
    const created = await keys("create", name, "--scopes", "ingest,read", "--rate-limit", "50/60s");
    expect(created.code).toBe(0);
    key = /(vgl_\w+)/.exec(created.stdout)?.[1] ?? "";
    id = Number(/created key (\d+)/.exec(created.stdout)?.[1]);
    expect(key).toMatch(/^vgl_[0-9A-Za-z]{49}$/);
    const sql = neon(databaseUrl);
    const [row] = await sql`select *, scopes::text[] as scopes from api_keys where id = ${id}`;
    expect(row).toMatchObject({
      name,
      prefix: key.slice(0, 12),
      key_hash: createHash("sha256").update(key).digest("hex"),
      scopes: ["ingest", "read"],
      rate_limit: "50/60s",
      created_by_id: null,
    });
    expect(JSON.stringify(row)).not.toContain(key);
  });

  it("list shows the key by prefix, never the key", async () => {
    const list = await keys("list");
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${id}\t${key.slice(0, 12)}\t${name}\tingest,read`);
    expect(list.stdout).not.toContain(key);
  });

  it("revoke marks it revoked and tells the API, which refuses it from then on", async () => {
    expect((await keys("revoke", String(id))).code).toBe(0);
    expect(api.received).toContainEqual({ type: "key", hash: createHash("sha256").update(key).digest("hex") });
    const [row] = await neon(databaseUrl)`select revoked_at from api_keys where id = ${id}`;
    expect(row?.revoked_at).not.toBeNull();
  });

  it("refuses bad input with one line and a non-zero status", async () => {
    const cases = [
      [["create", "x", "--scopes", "admin"], /scopes/],
      [["create", "x", "--scopes", "ingest", "--expires", "2001-01-01T00:00:00Z"], /future/],
      [["create", "x", "--scopes", "ingest", "--rate-limit", "fast"], /rate-limit/],
      [["revoke", "999999"], /no key/],
    ] as const;
    // Independent refusals: run side by side (each is a whole Node process).
    const results = await Promise.all(cases.map(([args]) => keys(...args)));
    for (const [i, [args, reason]] of cases.entries()) {
      const result = results[i] ?? { code: 0, stdout: "", stderr: "" };
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(reason);
    }
    expect((await keys("create", "x")).code).toBe(2);
  });
});
