import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * `.dev.vars` is wrangler's local secrets file (git-ignored). We add keys that are missing and
 * never overwrite a value that is there: operators and tests put their own settings in it.
 */
export type DevVars = Map<string, string>;

export function readDevVars(path: string): DevVars {
  const vars: DevVars = new Map();
  if (!existsSync(path)) return vars;
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    vars.set(m[1], m[2].replace(/^"(.*)"$/, "$1"));
  }
  return vars;
}

/** Appends the missing keys (with a comment) and returns the names it added. */
export function ensureDevVars(path: string, defaults: Record<string, () => string>): string[] {
  const existing = readDevVars(path);
  const added = Object.keys(defaults).filter((k) => !existing.has(k));
  if (added.length === 0) return added;
  const before = existsSync(path)
    ? readFileSync(path, "utf8")
    : "# Local settings for wrangler dev (git-ignored). Values here are never overwritten.\n";
  const lines = added.map((k) => `${k}="${defaults[k]?.() ?? ""}"`);
  writeFileSync(path, `${before.replace(/\n?$/, "\n")}${lines.join("\n")}\n`, { mode: 0o600 });
  return added;
}
