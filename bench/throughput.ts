import type { Bundle } from "./bundle";
import type { CpuSample } from "./cpu";
import type { Scenario, ScenarioContext } from "./scenarios";
import { startWorkerd } from "./servers";
import { adminAuth, runScenario } from "./session";
import type { Stack } from "./stack";
import { type Waits, waitSampler } from "./waits";

/**
 * `--throughput`: the load issue 22 measured with, as a mode of its own. The deploy bundle in
 * plain workerd, one user, 32 connections, each scenario loaded for a few seconds, all of them
 * once per round and the rounds one after another (interleaved, so a machine that gets busier
 * or quieter affects every scenario alike). Per scenario: req/s of each round and their mean, p50,
 * CPU per request of workerd, the SQL endpoint and PostgreSQL, and what PostgreSQL's backends were
 * doing (waits.ts). Its yardstick is `baseline` (no database, no guard) in the same rounds.
 */
export const THROUGHPUT_SCENARIOS = ["ingest-low", "ingest-high", "alert-patch", "alerts-list", "alert-detail"];

type Load = { connections: number; duration: number; rounds: number };

type Measured = {
  scenario: string;
  rps: number[];
  p50: number[];
  cpu: Record<string, number[]>;
  waits: Waits[];
};

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export async function throughputMode(
  stack: Stack,
  bundle: Bundle,
  list: Scenario[],
  load: Load,
  log: (msg: string) => void,
): Promise<string> {
  const server = await startWorkerd(bundle.dir, stack.vars);
  const measured = new Map<string, Measured>(
    list.map((s) => [s.name, { scenario: s.name, rps: [], p50: [], cpu: {}, waits: [] }]),
  );
  try {
    const components = [...server.components, ...stack.components];
    const ctx: ScenarioContext = {
      url: server.url,
      adminAuth: await adminAuth(server.url, stack.credentials),
      databaseUrl: stack.databaseUrl,
      credentials: stack.credentials,
    };
    const shape = { requests: 0, duration: load.duration, connections: load.connections, warmup: 300 };
    for (let round = 1; round <= load.rounds; round++) {
      for (const s of list) {
        const waits = waitSampler(stack.postgresUrl);
        const sampler = { name: "sampler", pid: await waits.open() };
        const { result } = await runScenario(
          { ...server, components: [...components, sampler] },
          s,
          ctx,
          shape,
          waits,
        ).finally(() => waits.after());
        const m = measured.get(s.name) as Measured;
        m.rps.push(result.rps);
        m.p50.push(result.p50);
        m.waits.push(waits.result());
        for (const [name, ms] of Object.entries(loadCpu(result.cpu))) {
          m.cpu[name] = [...(m.cpu[name] ?? []), ms / Math.max(result.requests, 1)];
        }
        log(
          `round ${round}/${load.rounds} ${s.name}: ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(1)} ms`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  return table([...measured.values()], load);
}

/**
 * CPU milliseconds of each component under the load: the wait sampler's backend is one of
 * PostgreSQL's processes, but its work is the bench's, so it is taken out of PostgreSQL's.
 */
export function loadCpu(cpu: CpuSample): Record<string, number> {
  const sampler = cpu.sampler?.total ?? 0;
  return Object.fromEntries(
    Object.entries(cpu)
      .filter(([name]) => name !== "sampler")
      .map(([name, { total }]) => [name, name === "postgres" ? total - sampler : total]),
  );
}

function table(rows: Measured[], load: Load): string {
  const baseline = mean(rows.find((r) => r.scenario === "baseline")?.rps ?? []);
  const lines = [
    `| scenario | req/s by round | req/s mean | x baseline | p50 ms | Worker CPU ms/req | endpoint ms/req | postgres ms/req | active backends | what they did |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    // Each state's share, averaged over the rounds (a round without it counts as 0).
    const shares = new Map<string, number>();
    for (const w of r.waits) {
      for (const [state, share] of Object.entries(w.shares)) shares.set(state, (shares.get(state) ?? 0) + share);
    }
    const what = [...shares.entries()]
      .map(([state, sum]) => [state, sum / r.waits.length] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([state, share]) => `${state} ${(100 * share).toFixed(0)}%`)
      .join(", ");
    lines.push(
      `| ${r.scenario} | ${r.rps.map((x) => Math.round(x)).join(" / ")} | ${Math.round(mean(r.rps))} | ${
        baseline ? (mean(r.rps) / baseline).toFixed(3) : "-"
      } | ${mean(r.p50).toFixed(1)} | ${mean(r.cpu.workerd ?? []).toFixed(2)} | ${mean(r.cpu.endpoint ?? []).toFixed(2)} | ${mean(
        r.cpu.postgres ?? [],
      ).toFixed(2)} | ${mean(r.waits.map((w) => w.activeBackends)).toFixed(1)} | ${what || "-"} |`,
    );
  }
  return `Throughput: ${load.connections} connections, ${load.duration} s a scenario, ${load.rounds} rounds (plain workerd, one user).\n\n${lines.join("\n")}`;
}
