import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { neon } from "@neondatabase/serverless";
import { describe, expect, inject, it } from "vitest";
import "../../src/db/client"; // routes the driver to the local SQL endpoint

const root = fileURLToPath(new URL("../..", import.meta.url));
const databaseUrl = inject("databaseUrl");

/** Runs `npm run users -- ...` as an operator would, against the test database. */
function users(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${root}node_modules/tsx/dist/cli.mjs`, `${root}scripts/users.ts`, ...args],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, cwd: root },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function row(username: string) {
  const sql = neon(databaseUrl);
  const [user] = await sql`select role, is_active from users where username = ${username}`;
  return user;
}

describe("users CLI (contract section 8)", () => {
  const name = `cli-${crypto.randomUUID().slice(0, 8)}`;

  it("create with a generated password, then list shows the user", async () => {
    const created = await users("create", name, "--role", "analyst");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/password: \S{20,}/);
    expect(await row(name)).toEqual({ role: "analyst", is_active: true });
    const list = await users("list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`\\t${name}\\tanalyst\\tyes`));
  });

  it("set-role and deactivate change the row", async () => {
    expect((await users("set-role", name, "admin")).code).toBe(0);
    expect((await users("deactivate", name)).code).toBe(0);
    expect(await row(name)).toEqual({ role: "admin", is_active: false });
  });

  it("refuses with a one-line reason and a non-zero status", async () => {
    const cases = [
      [["create", name, "--role", "analyst"], /already taken/],
      [["create", `x-${name}`, "--role", "root"], /unknown role/],
      [["create", `y-${name}`, "--role", "analyst", "--password", "short"], /at least 12/],
      [["set-role", "no-such-user", "admin"], /no user/],
      [["create", "bad name!", "--role", "admin"], /invalid username/],
    ] as const;
    for (const [args, reason] of cases) {
      const result = await users(...args);
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(reason);
    }
    expect(await row(`x-${name}`)).toBeUndefined();
  });
});
