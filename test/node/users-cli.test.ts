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

const users = (...args: string[]) =>
  runTool("users", { DATABASE_URL: databaseUrl, VIGIL_API_URL: api.url, JWT_SECRET: inject("jwtSecret") }, ...args);

async function row(username: string) {
  const sql = neon(databaseUrl);
  const [user] = await sql`select id, role, is_active, token_generation from users where username = ${username}`;
  return user;
}

describe("users CLI (contract section 8)", () => {
  const name = `cli-${crypto.randomUUID().slice(0, 8)}`;

  it("create with a generated password, then list shows the user", async () => {
    const created = await users("create", name, "--role", "analyst");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/password: \S{20,}/);
    expect(await row(name)).toMatchObject({ role: "analyst", is_active: true, token_generation: 0 });
    const list = await users("list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`\\t${name}\\tanalyst\\tyes`));
  });

  it("set-role, set-password and deactivate change the row and tell the API to void old access tokens", async () => {
    const { id } = (await row(name)) as { id: number };
    expect((await users("set-role", name, "admin")).code).toBe(0);
    expect((await users("set-password", name, "--password", "a-new-long-password")).code).toBe(0);
    expect((await users("deactivate", name)).code).toBe(0);
    expect(await row(name)).toMatchObject({ role: "admin", is_active: false, token_generation: 3 });
    expect(api.received.filter((r) => (r as { id: number }).id === id)).toEqual([
      { type: "user", id, generation: 1 },
      { type: "user", id, generation: 2 },
      { type: "user", id, generation: 3 },
    ]);
    // Each change is in the audit log as the CLI's, written with the change itself.
    const audit = await neon(databaseUrl)`
      select actor_type, actor_id, action, from_value, to_value from audit_log
      where target_type = 'user' and target_id = ${id} order by id`;
    expect(audit).toEqual([
      { actor_type: "cli", actor_id: null, action: "user.created", from_value: null, to_value: "analyst" },
      { actor_type: "cli", actor_id: null, action: "user.role_changed", from_value: "analyst", to_value: "admin" },
      { actor_type: "cli", actor_id: null, action: "user.password_reset", from_value: null, to_value: null },
      { actor_type: "cli", actor_id: null, action: "user.deactivated", from_value: null, to_value: null },
    ]);
  });

  it("when the API cannot be told, says so on one line and exits non-zero", async () => {
    const other = `cli-${crypto.randomUUID().slice(0, 8)}`;
    await users("create", other, "--role", "analyst");
    const result = await runTool(
      "users",
      { DATABASE_URL: databaseUrl, VIGIL_API_URL: "http://127.0.0.1:9", JWT_SECRET: inject("jwtSecret") },
      "deactivate",
      other,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/deactivated.*not voided.*unreachable/);
  });

  it("refuses with a one-line reason and a non-zero status", async () => {
    const cases = [
      [["create", name, "--role", "analyst"], /already taken/],
      [["create", `x-${name}`, "--role", "root"], /unknown role/],
      [["create", `y-${name}`, "--role", "analyst", "--password", "short"], /at least 12/],
      [["set-role", "no-such-user", "admin"], /no user/],
      [["create", "bad name!", "--role", "admin"], /invalid username/],
    ] as const;
    // Independent refusals: run side by side (each is a whole Node process).
    const results = await Promise.all(cases.map(([args]) => users(...args)));
    for (const [i, [args, reason]] of cases.entries()) {
      const result = results[i] ?? { code: 0, stdout: "", stderr: "" };
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(reason);
    }
    expect(await row(`x-${name}`)).toBeUndefined();
  });
});
