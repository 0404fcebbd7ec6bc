import type { CpuSample } from "./cpu";
import type { LoadResult } from "./load";
import type { Scenario } from "./scenarios";
import type { Mode } from "./servers";

/** One scenario in one mode: throughput, latency, CPU per request by component, round trips. */
export type Row = {
  mode: Mode;
  scenario: string;
  describe: string;
  requests: number;
  seconds: number;
  rps: number;
  /** For scenarios whose requests carry several units of work (events in a batch). */
  units?: { name: string; perSecond: number };
  /** req/s against baseline's, in the same run and mode. */
  vsBaseline: number;
  /** Worker CPU per request against baseline's: steadier than milliseconds on a busy machine. */
  cpuVsBaseline: number;
  p50: number;
  p99: number;
  non2xx: number;
  roundTrips: number | null;
  /** CPU ms per request: `worker` (workerd, or every process of wrangler dev), `endpoint`, `postgres`. */
  cpuMsPerRequest: Record<string, number>;
  /** The same split by program inside each component (wrangler dev: node, workerd, esbuild). */
  cpuByProgram: Record<string, Record<string, number>>;
  /**
   * With --db-latency: the latency model (round trips x latency) and how far p50 is from it; and
   * p50 with no latency (the same scenario just before: the local floor), so what the latency
   * itself added can be set against the model.
   */
  model?: {
    latencyMs: number;
    expectedMs: number;
    gapMs: number;
    floorP50Ms: number;
    addedMs: number;
    addedGapMs: number;
  };
  extra?: Record<string, number>;
};

export function toRow(
  mode: Mode,
  s: Scenario,
  result: LoadResult,
  roundTrips: number | null,
  baseline: Row | undefined,
  latency: { ms: number; floorP50: number } | null,
  extra: Record<string, number> | undefined,
): Row {
  const perRequest = (ms: number) => ms / Math.max(1, result.requests);
  const byComponent = (cpu: CpuSample) =>
    Object.fromEntries(Object.entries(cpu).map(([name, c]) => [name === mode ? "worker" : name, c]));
  const cpu = byComponent(result.cpu);
  const expectedMs = (roundTrips ?? 0) * (latency?.ms ?? 0);
  const workerMs = perRequest(cpu.worker?.total ?? 0);
  return {
    mode,
    scenario: s.name,
    describe: s.describe,
    requests: result.requests,
    seconds: result.seconds,
    rps: result.rps,
    ...(s.units && { units: { name: s.units.name, perSecond: result.rps * s.units.perRequest } }),
    vsBaseline: result.rps / (baseline?.rps ?? result.rps),
    cpuVsBaseline: workerMs / (baseline?.cpuMsPerRequest.worker ?? workerMs),
    p50: result.p50,
    p99: result.p99,
    non2xx: result.non2xx,
    roundTrips,
    cpuMsPerRequest: Object.fromEntries(Object.entries(cpu).map(([name, c]) => [name, perRequest(c.total)])),
    cpuByProgram: Object.fromEntries(
      Object.entries(cpu).map(([name, c]) => [
        name,
        Object.fromEntries(Object.entries(c.byProgram).map(([program, ms]) => [program, perRequest(ms)])),
      ]),
    ),
    ...(latency && {
      model: {
        latencyMs: latency.ms,
        expectedMs,
        gapMs: result.p50 - expectedMs,
        floorP50Ms: latency.floorP50,
        addedMs: result.p50 - latency.floorP50,
        addedGapMs: result.p50 - latency.floorP50 - expectedMs,
      },
    }),
    ...(extra && { extra }),
  };
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

function markdown(head: string[], align: string[], body: string[][]): string {
  return [`| ${head.join(" | ")} |`, `| ${align.join(" | ")} |`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function throughputTable(rows: Row[]): string {
  return markdown(
    [
      "mode",
      "scenario",
      "req/s",
      "x baseline",
      "p50 ms",
      "p99 ms",
      "non-2xx",
      "db round trips",
      "Worker CPU ms/req",
      "x baseline",
      "endpoint ms/req",
      "postgres ms/req",
    ],
    ["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
    rows.map((r) => [
      r.mode,
      r.scenario,
      `${Math.round(r.rps)}${r.units ? ` (${Math.round(r.units.perSecond)} ${r.units.name}/s)` : ""}`,
      f2(r.vsBaseline),
      f1(r.p50),
      f1(r.p99),
      String(r.non2xx),
      String(r.roundTrips ?? "-"),
      f2(r.cpuMsPerRequest.worker ?? 0),
      f1(r.cpuVsBaseline),
      f2(r.cpuMsPerRequest.endpoint ?? 0),
      f2(r.cpuMsPerRequest.postgres ?? 0),
    ]),
  );
}

/**
 * p50 against the model, as the goal states it (gap); then against the same scenario's p50 with no
 * latency, run just before: what the round trips added, which is what the model predicts (the
 * floor is this machine executing the work: PostgreSQL, the endpoint and the Worker on one box).
 */
export function latencyTable(rows: Row[]): string {
  const yes = (gap: number) => (Math.abs(gap) <= 5 ? "yes" : "**no**");
  return markdown(
    [
      "mode",
      "scenario",
      "db round trips",
      "model ms (trips x latency)",
      "p50 ms",
      "p99 ms",
      "gap ms",
      "within 5 ms",
      "p50 ms, no latency",
      "added by latency ms",
      "added - model ms",
      "within 5 ms",
    ],
    ["---", "---", "---:", "---:", "---:", "---:", "---:", "---", "---:", "---:", "---:", "---"],
    rows.map((r) => {
      const m = r.model;
      return [
        r.mode,
        r.scenario,
        String(r.roundTrips ?? "-"),
        f1(m?.expectedMs ?? 0),
        f1(r.p50),
        f1(r.p99),
        f1(m?.gapMs ?? 0),
        yes(m?.gapMs ?? 0),
        f1(m?.floorP50Ms ?? 0),
        f1(m?.addedMs ?? 0),
        f1(m?.addedGapMs ?? 0),
        yes(m?.addedGapMs ?? 0),
      ];
    }),
  );
}

/** What wrangler dev costs over plain workerd, per scenario, split by wrangler dev's programs. */
export function devCostTable(rows: Row[]): string {
  const plain = new Map(rows.filter((r) => r.mode === "workerd").map((r) => [r.scenario, r]));
  const dev = rows.filter((r) => r.mode === "wrangler-dev" && plain.has(r.scenario));
  const programs = [...new Set(dev.flatMap((r) => Object.keys(r.cpuByProgram.worker ?? {})))].sort();
  return markdown(
    ["scenario", "workerd ms/req", "wrangler dev ms/req", "added", ...programs.map((p) => `of which ${p}`)],
    ["---", "---:", "---:", "---:", ...programs.map(() => "---:")],
    dev.map((r) => {
      const base = plain.get(r.scenario)?.cpuMsPerRequest.worker ?? 0;
      const total = r.cpuMsPerRequest.worker ?? 0;
      return [
        r.scenario,
        f2(base),
        f2(total),
        `${f2(total - base)} (x${f1(total / Math.max(base, 0.001))})`,
        ...programs.map((p) => f2(r.cpuByProgram.worker?.[p] ?? 0)),
      ];
    }),
  );
}

/** The issues' performance goals, as ratios within one run and mode (a scenario missing: skipped). */
/** `units`: "of" divides the first scenario's units/s by the second's req/s; "both", units/s by units/s. */
const GOALS: { name: string; of: string; over: string; atLeast: number; units?: "of" | "both" }[] = [
  { name: "key check is free", of: "ingest-key", over: "ingest-low", atLeast: 0.95 },
  { name: "batch events/s vs single req/s", of: "ingest-batch", over: "ingest-low", atLeast: 20, units: "of" },
  { name: "grouping ingest", of: "ingest-grouped", over: "ingest-high", atLeast: 0.8 },
  { name: "deep cursor page vs first", of: "alerts-cursor-deep", over: "alerts-cursor", atLeast: 0.9 },
  {
    name: "deep page number vs first cursor page (for contrast)",
    of: "alerts-page-deep",
    over: "alerts-cursor",
    atLeast: 0,
  },
  { name: "ingest with a webhook and a stream client", of: "ingest-high-push", over: "ingest-high", atLeast: 0.9 },
  { name: "ingest under 100 active silences", of: "ingest-silenced", over: "ingest-high", atLeast: 0.9 },
  { name: "ingest under 50 enabled rules, 5 thresholds", of: "ingest-rules-50", over: "ingest-high", atLeast: 0.7 },
  {
    name: "Alertmanager intake events/s vs batch events/s",
    of: "intake-alertmanager",
    over: "ingest-batch",
    atLeast: 0.8,
    units: "both",
  },
  {
    name: "the same, against a batch of its size (20)",
    of: "intake-alertmanager",
    over: "ingest-batch-20",
    atLeast: 0.8,
    units: "both",
  },
  {
    name: "ECS intake events/s vs batch events/s",
    of: "intake-ecs",
    over: "ingest-batch",
    atLeast: 0.8,
    units: "both",
  },
  {
    // Each claimed id is one more row and index entry written with its event.
    name: "ECS intake with event.ids (each claimed) vs without",
    of: "intake-ecs-ids",
    over: "intake-ecs",
    atLeast: 0.6,
    units: "both",
  },
];

export function goalsTable(rows: Row[]): string {
  const body: string[][] = [];
  for (const mode of [...new Set(rows.map((r) => r.mode))]) {
    const find = (name: string) => rows.find((r) => r.mode === mode && r.scenario === name);
    for (const goal of GOALS) {
      const of = find(goal.of);
      const over = find(goal.over);
      if (!of || !over) continue;
      const perSecond = (row: Row) => row.units?.perSecond ?? row.rps;
      const ratio = (goal.units ? perSecond(of) : of.rps) / (goal.units === "both" ? perSecond(over) : over.rps);
      const verdict = goal.atLeast === 0 ? "-" : ratio >= goal.atLeast ? "met" : "NOT met";
      body.push([
        mode,
        goal.name,
        `${goal.of} / ${goal.over}`,
        f2(ratio),
        goal.atLeast ? `>= ${goal.atLeast}` : "-",
        verdict,
      ]);
    }
  }
  return markdown(
    ["mode", "goal", "ratio of", "ratio", "target", ""],
    ["---", "---", "---", "---:", "---:", "---"],
    body,
  );
}

/** Figures a scenario measured beside its load (push delays, ...), one line each. */
export function extrasLines(rows: Row[]): string {
  return rows
    .filter((r) => r.extra)
    .map(
      (r) =>
        `${r.mode} / ${r.scenario}: ${Object.entries(r.extra ?? {})
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
    )
    .join("\n");
}
