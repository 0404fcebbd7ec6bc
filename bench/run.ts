/**
 * `npm run bench -- [flags]` (see HELP). Starts an isolated stack (its own PostgreSQL, the SQL
 * endpoint as its own process, 100,000 seeded alerts), builds the deployable bundle, then loads
 * each scenario, one after another, in plain `workerd serve` (as production runs the bundle)
 * and under `wrangler dev` (what developers run). Reports requests/s, latency, database round
 * trips and CPU per request of the Worker, the SQL endpoint and PostgreSQL; with --db-latency,
 * p50 against the round-trip model; with --profile, where the Worker's CPU goes.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { CONSOLE_JS_BUDGET_BYTES, measureConsole } from "../console/build/size";
import { type Bundle, buildBundle, compositionTable } from "./bundle";
import { profiler, profileTable, summarise } from "./profile";
import { devCostTable, extrasLines, goalsTable, latencyTable, type Row, throughputTable, toRow } from "./report";
import { type Scenario, type ScenarioContext, scenarios } from "./scenarios";
import { MODES, type Mode, type Server, startWorkerd, startWranglerDev } from "./servers";
import { adminAuth, requestsFor, runScenario, type ScenarioRun } from "./session";
import { root, type Stack, startStack } from "./stack";
import { THROUGHPUT_SCENARIOS, throughputMode } from "./throughput";
import { workerdBinary } from "./workerd-config";

const HELP = `Usage: npm run bench -- [flags]
  --requests <n>       requests per scenario, after a warm-up of a tenth of that (default 3000; 300 with --db-latency)
  --duration <s>       load each scenario for this long instead of a fixed number of requests
  --connections <n>    concurrent connections (default 16; 2 with --db-latency)
  --mode <m>           workerd | wrangler-dev | both (default both; workerd with --db-latency or --profile)
  --only <a,b>         only these scenarios (baseline always runs: it is what "x baseline" divides by)
  --db-latency <ms>    the SQL endpoint holds every answer this long (a Worker-to-database round trip);
                       reports p50 per route against round trips x latency, and against the same
                       route's p50 with no latency, measured just before (the local floor)
  --profile <name>     V8 CPU profile of the Worker during that scenario (plain workerd, inspector on):
                       self time by package and the top functions; the .cpuprofile goes to bench/results/
  --throughput         the throughput mode: plain workerd, one user, 32 connections (or --connections),
                       each scenario for 6 s (or --duration), --rounds <n> rounds (default 2), the
                       scenarios interleaved; default scenarios ${THROUGHPUT_SCENARIOS.join(", ")};
                       req/s per round, CPU per request of each process, PostgreSQL's waits
Scenarios: ${scenarios({ username: "", password: "" })
  .map((s) => s.name)
  .join(", ")}`;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (process.argv.includes("--help")) {
  console.log(HELP);
  process.exit(0);
}
const dbLatencyMs = Number(flag("db-latency") ?? 0);
const profile = flag("profile");
const throughput = process.argv.includes("--throughput");
const latencyMode = dbLatencyMs > 0;
const shape = {
  requests: Number(flag("requests") ?? (latencyMode ? 300 : profile ? 2000 : 3000)),
  duration: flag("duration") === undefined ? (throughput ? 6 : undefined) : Number(flag("duration")),
  connections: Number(flag("connections") ?? (latencyMode ? 2 : throughput ? 32 : 16)),
  warmup: 300,
};
const modeFlag = flag("mode") ?? (latencyMode || profile ? "workerd" : "both");
const modes: Mode[] = modeFlag === "both" ? [...MODES] : [modeFlag as Mode];
const only = (profile ?? flag("only") ?? (throughput ? THROUGHPUT_SCENARIOS.join(",") : "")).split(",").filter(Boolean);
const resultsDir = `${root}bench/results`;
const log = (msg: string) => console.log(`[bench] ${msg}`);

if (!modes.every((m) => MODES.includes(m)) || (profile && modes.join() !== "workerd")) {
  console.error(`--mode must be one of ${MODES.join(", ")} or both (and workerd with --profile)\n\n${HELP}`);
  process.exit(2);
}

function selected(credentials: Stack["credentials"]): Scenario[] {
  const all = scenarios(credentials);
  const unknown = only.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${all.map((s) => s.name)}`);
  return all.filter((s) => only.length === 0 || only.includes(s.name) || (s.name === "baseline" && !profile));
}

async function context(server: Server, stack: Stack): Promise<ScenarioContext> {
  const { databaseUrl, credentials } = stack;
  return { url: server.url, adminAuth: await adminAuth(server.url, credentials), databaseUrl, credentials };
}

/** --db-latency: the scenario's p50 with no latency first (the local floor), then the hold set. */
async function floorP50(server: Server, s: Scenario, ctx: ScenarioContext, stack: Stack): Promise<number> {
  await stack.setDbLatency(0);
  const { result } = await runScenario(server, s, ctx, shape);
  await stack.setDbLatency(dbLatencyMs);
  log(`  no latency: p50 ${result.p50.toFixed(1)} ms; again at ${dbLatencyMs} ms…`);
  return result.p50;
}

async function runMode(
  mode: Mode,
  server: Server,
  list: Scenario[],
  ctx: ScenarioContext,
  stack: Stack,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const s of list) {
    log(`${mode} / ${s.name}: ${shape.duration ? `${shape.duration} s` : `${requestsFor(s, shape)} requests`}…`);
    const latency = latencyMode ? { ms: dbLatencyMs, floorP50: await floorP50(server, s, ctx, stack) } : null;
    const { result, roundTrips, extra } = await runScenario(server, s, ctx, shape);
    const baseline = rows.find((r) => r.scenario === "baseline");
    const row = toRow(mode, s, result, roundTrips, baseline, latency, extra);
    rows.push(row);
    const cpu = Object.entries(row.cpuMsPerRequest).map(([name, ms]) => `${name} ${ms.toFixed(2)}`);
    log(
      `  ${Math.round(row.rps)} req/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, non-2xx ${row.non2xx}; CPU ms/req: ${cpu.join(", ")}`,
    );
  }
  return rows;
}

/**
 * --profile: one scenario in workerd with the inspector on. A first run measures the workerd
 * process's CPU per request; a second, sampled, says how that CPU divides up (sampling itself
 * costs CPU, so its own run's /proc figure would overstate every part).
 */
async function profileScenario(stack: Stack, bundle: Bundle, s: Scenario): Promise<void> {
  const server = await startWorkerd(bundle.dir, stack.vars, { inspector: true });
  try {
    const ctx = await context(server, stack);
    const cpuPerRequest = ({ result }: ScenarioRun) => (result.cpu.workerd?.total ?? 0) / result.requests;
    log(`${s.name}: ${shape.requests} requests at ${shape.connections} connections, unsampled…`);
    const workerdMs = cpuPerRequest(await runScenario(server, s, ctx, shape));
    log(`  workerd CPU ${workerdMs.toFixed(3)} ms/req; again, sampled…`);
    const sampling = profiler(server.inspector ?? "");
    const sampledMs = cpuPerRequest(await runScenario(server, s, ctx, shape, sampling));
    const summary = summarise(sampling.profile(), bundle.dir, workerdMs);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(`${resultsDir}/${s.name}.cpuprofile`, JSON.stringify(sampling.profile()));
    writeFileSync(`${resultsDir}/${s.name}.profile.json`, `${JSON.stringify(summary, null, 2)}\n`);
    const { busy, idle } = summary.samples;
    console.log(`\n${profileTable(summary)}\n`);
    console.log(
      `${s.name}: workerd CPU ${workerdMs.toFixed(3)} ms/req unsampled (${sampledMs.toFixed(3)} while sampled), ` +
        `${shape.requests} requests at ${shape.connections} connections, shared out by the isolate's samples ` +
        `(${((100 * busy) / (busy + idle)).toFixed(0)}% of them not idle). ` +
        `Raw profile: bench/results/${s.name}.cpuprofile (Chrome DevTools, Performance panel).`,
    );
  } finally {
    await server.stop();
  }
}

async function main() {
  const started = Date.now();
  const stack = await startStack(log, { dbLatencyMs });
  const cleanups: (() => Promise<void>)[] = [() => stack.stop()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanup().then(() => process.exit(130)));
  }
  try {
    const bundle = buildBundle();
    cleanups.push(async () => rmSync(bundle.dir, { recursive: true, force: true }));
    log(`bundle: ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped (${(bundle.bytes / 1024).toFixed(0)} KiB raw)`);
    // `npm run bench` builds the console first (package.json).
    const consoleSize = measureConsole(`${root}console/dist`);
    const consoleLine = `console JS: ${(consoleSize.jsGzipBytes / 1024).toFixed(1)} KiB gzipped (budget ${CONSOLE_JS_BUDGET_BYTES / 1024} KiB)`;
    log(consoleLine);
    const list = selected(stack.credentials);
    if (profile && list[0]) return await profileScenario(stack, bundle, list[0]);
    if (throughput) {
      const rounds = Number(flag("rounds") ?? 2);
      const load = { connections: shape.connections, duration: shape.duration ?? 6, rounds };
      const report = await throughputMode(stack, bundle, list, load, log);
      console.log(`\n${report}\n`);
      console.log(
        `machine: load average ${os
          .loadavg()
          .map((n) => n.toFixed(1))
          .join(" ")}; seed ${stack.seedSeconds.toFixed(1)} s.`,
      );
      return;
    }

    const rows: Row[] = [];
    for (const mode of modes) {
      log(`starting ${mode}…`);
      const server =
        mode === "workerd" ? await startWorkerd(bundle.dir, stack.vars) : await startWranglerDev(stack.vars);
      try {
        const components = [...server.components, ...stack.components];
        const ctx = await context(server, stack);
        rows.push(...(await runMode(mode, { ...server, components }, list, ctx, stack)));
      } finally {
        await server.stop();
      }
    }
    const machine = {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? "unknown",
      node: process.version,
      workerd: workerdBinary(root).version,
      loadAverage: os.loadavg(),
    };
    const report = {
      date: new Date().toISOString(),
      options: { ...shape, modes, dbLatencyMs },
      machine,
      seedSeconds: stack.seedSeconds,
      bundle: { gzipBytes: bundle.gzipBytes, bytes: bundle.bytes, composition: bundle.composition },
      console: consoleSize,
      rows,
    };
    mkdirSync(resultsDir, { recursive: true });
    const file = latencyMode ? "latest-db-latency.json" : "latest.json";
    writeFileSync(`${resultsDir}/${file}`, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${latencyMode ? latencyTable(rows) : throughputTable(rows)}\n`);
    if (modes.length === 2) console.log(`What wrangler dev adds (CPU ms per request):\n\n${devCostTable(rows)}\n`);
    if (!latencyMode) console.log(`Goals (ratios within this run and mode):\n\n${goalsTable(rows)}\n`);
    const extras = extrasLines(rows);
    if (extras) console.log(`Measured beside the load:\n${extras}\n`);
    console.log(consoleLine);
    console.log(`Bundle: ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped\n\n${compositionTable(bundle)}\n`);
    console.log(
      `machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, workerd ${machine.workerd}, load average ${machine.loadAverage.map((n) => n.toFixed(1)).join(" ")}; ` +
        `${shape.connections} connections${latencyMode ? `, database latency ${dbLatencyMs} ms` : ""}; seed ${stack.seedSeconds.toFixed(1)} s. ` +
        `Took ${Math.round((Date.now() - started) / 1000)} s; written to bench/results/${file}.`,
    );
  } finally {
    await cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(`[bench] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
