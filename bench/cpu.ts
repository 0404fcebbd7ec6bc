import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of process trees from /proc (Linux), as the kernel accounts it: user + system time
 * of a process and every live descendant, plus what exited descendants left in their parents'
 * `cutime`/`cstime` when reaped. So a PostgreSQL backend that ends mid-run is still counted.
 */
export type Component = { name: string; pid: number };

/** CPU milliseconds per component, and per program name inside it (`workerd`, `node`, `esbuild`...). */
export type CpuSample = Record<string, { total: number; byProgram: Record<string, number>; processes: number }>;

type Proc = { pid: number; ppid: number; program: string; ticks: number };

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

function readProc(pid: number): Proc | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // exited between listing and reading
  }
  // The program name is in parentheses and may itself contain spaces or parentheses.
  const close = stat.lastIndexOf(")");
  const program = stat.slice(stat.indexOf("(") + 1, close);
  // Fields after the name, from `state` (field 3 in proc(5)): ppid is 4, utime..cstime are 14-17.
  const f = stat
    .slice(close + 2)
    .split(" ")
    .map(Number);
  const field = (n: number) => f[n - 3] ?? 0;
  return { pid, ppid: field(4), program, ticks: field(14) + field(15) + field(16) + field(17) };
}

export function sampleCpu(components: Component[]): CpuSample {
  const procs = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is Proc => p !== undefined);
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const sample: CpuSample = {};
  for (const { name, pid } of components) {
    const entry = { total: 0, byProgram: {} as Record<string, number>, processes: 0 };
    const queue = [byPid.get(pid)].filter((p): p is Proc => p !== undefined);
    for (let p = queue.shift(); p; p = queue.shift()) {
      const ms = (p.ticks * 1000) / TICKS_PER_SECOND;
      entry.total += ms;
      entry.byProgram[p.program] = (entry.byProgram[p.program] ?? 0) + ms;
      entry.processes += 1;
      queue.push(...(children.get(p.pid) ?? []));
    }
    sample[name] = entry;
  }
  return sample;
}

/** CPU used between two samples, per component and program. */
export function cpuDelta(before: CpuSample, after: CpuSample): CpuSample {
  const delta: CpuSample = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name];
    const byProgram: Record<string, number> = {};
    for (const [program, ms] of Object.entries(a.byProgram)) byProgram[program] = ms - (b?.byProgram[program] ?? 0);
    delta[name] = { total: a.total - (b?.total ?? 0), byProgram, processes: a.processes };
  }
  return delta;
}
