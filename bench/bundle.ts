import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { wranglerEnv } from "../scripts/wrangler-env";
import { root } from "./stack";

/** The deployable bundle, as `wrangler deploy` would upload it, and what it is made of. */
export type Bundle = {
  dir: string;
  gzipBytes: number;
  bytes: number;
  /** Bytes in the output per package (esbuild metafile), largest first. */
  composition: { part: string; bytes: number; share: number }[];
};

type Metafile = { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };

export function buildBundle(): Bundle {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-bundle-"));
  execFileSync(
    process.execPath,
    [`${root}node_modules/wrangler/bin/wrangler.js`, "deploy", "--dry-run", "--outdir", dir, "--metafile"],
    { cwd: root, env: wranglerEnv(root), stdio: "ignore" },
  );
  const code = readFileSync(join(dir, "index.js"));
  const meta = JSON.parse(readFileSync(join(dir, "bundle-meta.json"), "utf8")) as Metafile;
  const parts = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const part = partOf(input).startsWith("src/") ? "src/ (ours)" : partOf(input);
      parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
    }
  }
  const total = [...parts.values()].reduce((a, b) => a + b, 0);
  const composition = [...parts]
    .map(([part, bytes]) => ({ part, bytes, share: bytes / total }))
    .sort((a, b) => b.bytes - a.bytes);
  return { dir, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength, composition };
}

/** A bundled source's own path: inside its package (`hono/dist/hono-base.js`) or ours (`src/app.ts`). */
export function sourcePath(path: string): string {
  const modules = path.lastIndexOf("node_modules/");
  if (modules !== -1) return path.slice(modules + "node_modules/".length);
  const src = path.lastIndexOf("src/");
  return src === -1 ? path.replace(/^(\.\.\/)+/, "") : path.slice(src);
}

/**
 * Which part of the Worker a source path belongs to: an npm package (`hono`, `@hono/zod-openapi`)
 * or one of our files (`src/alerts/store.ts`). Paths come from the metafile or the source map,
 * relative to wherever the build ran.
 */
export function partOf(path: string): string {
  const own = sourcePath(path);
  if (!path.includes("node_modules/")) return own;
  const [first = "", second = ""] = own.split("/");
  // `node_modules/src/...`: a package's own source map pointing outside it (drizzle-orm's).
  if (first === "src") return "(a package, by its source map)";
  return first.startsWith("@") ? `${first}/${second}` : first;
}

/**
 * Which bundled module a line of the bundle belongs to. esbuild (unminified) opens each module's
 * code with a `// <input path>` comment naming a metafile input; this is exact where source maps
 * are not (drizzle-orm's own maps point outside its package).
 */
export function moduleIndex(dir: string): (line: number) => string | undefined {
  const meta = JSON.parse(readFileSync(join(dir, "bundle-meta.json"), "utf8")) as Metafile;
  const inputs = new Set(Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs)));
  const starts: { line: number; input: string }[] = [];
  readFileSync(join(dir, "index.js"), "utf8")
    .split("\n")
    .forEach((text, line) => {
      if (text.startsWith("// ") && inputs.has(text.slice(3))) starts.push({ line, input: text.slice(3) });
    });
  return (line) => {
    let found: string | undefined;
    for (const start of starts) {
      if (start.line > line) break;
      found = start.input;
    }
    return found;
  };
}

export function compositionTable(bundle: Bundle, rows = 12): string {
  const kib = (n: number) => (n / 1024).toFixed(1);
  const row = (part: string, bytes: number, share: number) =>
    `| ${part} | ${kib(bytes)} | ${(share * 100).toFixed(1)}% |`;
  const lines = bundle.composition.slice(0, rows).map((p) => row(p.part, p.bytes, p.share));
  const rest = bundle.composition.slice(rows);
  if (rest.length) {
    const sum = (key: "bytes" | "share") => rest.reduce((a, p) => a + p[key], 0);
    lines.push(row(`${rest.length} others`, sum("bytes"), sum("share")));
  }
  return ["| part | KiB in bundle (before gzip) | share |", "| --- | ---: | ---: |", ...lines].join("\n");
}
