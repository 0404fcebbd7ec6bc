/**
 * `npm run bench [-- --duration 10 --connections 32 --mode both --only a,b]`
 * Starts an isolated stack (its own PostgreSQL, SQL endpoint, seeded data), then loads each
 * scenario with autocannon, one after another, through `wrangler dev` and straight into workerd
 * (the deployable bundle, served by wrangler's programmatic API). Prints a markdown table, writes bench/results/latest.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { wranglerEnv } from "../scripts/wrangler-env";
import { requestVariator, type Scenario, scenarios } from "./scenarios";
import { root, type Server, startBundle, startStack, startWrangler } from "./stack";

const HELP = `Usage: npm run bench -- [--duration <s>=10] [--connections <n>=32] [--mode wrangler-dev|workerd|both] [--only name,name]`;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
}

if (process.argv.includes("--help")) {
  console.log(HELP);
  process.exit(0);
}
const duration = Number(flag("duration", "10"));
const connections = Number(flag("connections", "32"));
const mode = flag("mode", "both");
const only = flag("only", "").split(",").filter(Boolean);
const modes = mode === "both" ? ["wrangler-dev", "workerd"] : [mode];
const log = (msg: string) => console.log(`[bench] ${msg}`);

type Row = {
  mode: string;
  scenario: string;
  describe: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  roundTrips: number | null;
  vsBaseline: number;
};

async function token(url: string, credentials: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${url}/api/auth/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(credentials),
  });
  if (!res.ok) throw new Error(`bench login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access: string }).access;
}

/** One request first: it must succeed, and it tells the scenario's database round trips. */
async function probe(url: string, s: Scenario, headers: Record<string, string>): Promise<number | null> {
  const res = await fetch(`${url}${s.path}`, {
    method: s.method,
    headers,
    body: s.body === undefined ? undefined : JSON.stringify(s.body),
  });
  if (!res.ok) throw new Error(`${s.name}: probe answered ${res.status} ${await res.text()}`);
  const m = /desc="(\d+) round trips"/.exec(res.headers.get("Server-Timing") ?? "");
  return m?.[1] ? Number(m[1]) : null;
}

async function load(server: Server, modeName: string, list: Scenario[], access: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const s of list) {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      ...(s.auth ? { Authorization: `Bearer ${access}` } : {}),
    };
    const roundTrips = await probe(server.url, s, headers);
    log(`${modeName} / ${s.name}: ${duration}s at ${connections} connections…`);
    const result = await autocannon({
      url: server.url,
      connections,
      duration,
      requests: [
        {
          method: s.method,
          path: s.path,
          headers,
          body: s.body === undefined ? undefined : JSON.stringify(s.body),
          ...requestVariator(s),
        },
      ],
    });
    const baseline = rows.find((r) => r.scenario === "baseline")?.rps ?? result.requests.p50;
    rows.push({
      mode: modeName,
      scenario: s.name,
      describe: s.describe,
      rps: result.requests.p50,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx + result.errors + result.timeouts,
      roundTrips,
      vsBaseline: result.requests.p50 / baseline,
    });
    log(
      `  ${result.requests.p50} req/s (median), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`,
    );
  }
  return rows;
}

function bundle(): { dir: string; path: string; gzipBytes: number } {
  const dir = mkdtempSync(join(os.tmpdir(), "vigil-bench-bundle-"));
  execFileSync(
    process.execPath,
    [`${root}node_modules/wrangler/bin/wrangler.js`, "deploy", "--dry-run", "--outdir", dir],
    { cwd: root, env: wranglerEnv(root), stdio: "ignore" },
  );
  const path = join(dir, "index.js");
  return { dir, path, gzipBytes: gzipSync(readFileSync(path)).byteLength };
}

// The workerd that wrangler runs, wherever npm placed it.
function workerdVersion(): string {
  const fromWrangler = createRequire(`${root}node_modules/wrangler/package.json`);
  return (JSON.parse(readFileSync(fromWrangler.resolve("workerd/package.json"), "utf8")) as { version: string })
    .version;
}

function table(rows: Row[]): string {
  const head =
    "| mode | scenario | req/s (median) | x baseline | p50 ms | p99 ms | non-2xx | db round trips |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |";
  const body = rows.map(
    (r) =>
      `| ${r.mode} | ${r.scenario} | ${Math.round(r.rps)} | ${r.vsBaseline.toFixed(2)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.roundTrips ?? "-"} |`,
  );
  return [head, ...body].join("\n");
}

async function main() {
  const started = Date.now();
  const stack = await startStack(log);
  const cleanups: (() => Promise<void>)[] = [() => stack.stop()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));
  try {
    const built = bundle();
    cleanups.push(async () => rmSync(built.dir, { recursive: true, force: true }));
    log(`bundle: ${(built.gzipBytes / 1024).toFixed(1)} KiB gzipped`);
    const alertIds = Array.from({ length: 2000 }, (_, i) => i + 1);
    const list = scenarios(alertIds, stack.credentials).filter(
      (s) => only.length === 0 || only.includes(s.name) || s.name === "baseline",
    );
    const rows: Row[] = [];
    for (const m of modes) {
      log(`starting ${m}…`);
      const server = m === "wrangler-dev" ? await startWrangler(stack.vars) : await startBundle(built.path, stack.vars);
      try {
        rows.push(...(await load(server, m, list, await token(server.url, stack.credentials))));
      } finally {
        await server.stop();
      }
    }
    const machine = {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? "unknown",
      node: process.version,
      workerd: workerdVersion(),
    };
    const report = {
      date: new Date().toISOString(),
      duration,
      connections,
      machine,
      bundleGzipBytes: built.gzipBytes,
      rows,
    };
    mkdirSync(`${root}bench/results`, { recursive: true });
    writeFileSync(`${root}bench/results/latest.json`, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${table(rows)}\n`);
    console.log(
      `machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, workerd ${machine.workerd}; bundle ${(built.gzipBytes / 1024).toFixed(1)} KiB gzipped`,
    );
    console.log(
      `${duration}s per scenario, ${connections} connections; wrangler dev with --log-level warn. Took ${Math.round((Date.now() - started) / 1000)} s.`,
    );
  } finally {
    await cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(`[bench] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
