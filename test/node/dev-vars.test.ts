import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureDevVars, readDevVars } from "../../scripts/dev-vars";

describe(".dev.vars handling of `npm run dev` (contract section 8)", () => {
  const defaults = { JWT_SECRET: () => "generated-secret", DATABASE_URL: () => "postgresql://generated" };

  it("creates the file with every key when it is missing", () => {
    const path = join(mkdtempSync(join(tmpdir(), "vigil-devvars-")), ".dev.vars");
    expect(ensureDevVars(path, defaults)).toEqual(["JWT_SECRET", "DATABASE_URL"]);
    expect(Object.fromEntries(readDevVars(path))).toEqual({
      JWT_SECRET: "generated-secret",
      DATABASE_URL: "postgresql://generated",
    });
  });

  it("adds only missing keys and never overwrites a value an operator put there", () => {
    const path = join(mkdtempSync(join(tmpdir(), "vigil-devvars-")), ".dev.vars");
    writeFileSync(path, '# mine\nJWT_SECRET="operator-secret"\nRATE_LIMIT_READ="5/10s"\n');
    expect(ensureDevVars(path, defaults)).toEqual(["DATABASE_URL"]);
    const text = readFileSync(path, "utf8");
    expect(text.startsWith('# mine\nJWT_SECRET="operator-secret"\nRATE_LIMIT_READ="5/10s"\n')).toBe(true);
    expect(Object.fromEntries(readDevVars(path))).toEqual({
      JWT_SECRET: "operator-secret",
      RATE_LIMIT_READ: "5/10s",
      DATABASE_URL: "postgresql://generated",
    });
    expect(ensureDevVars(path, defaults)).toEqual([]);
    expect(readFileSync(path, "utf8")).toBe(text);
  });
});
