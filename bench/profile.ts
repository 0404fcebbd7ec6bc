import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapping } from "node:module";
import { join } from "node:path";
import { moduleIndex, partOf, sourcePath } from "./bundle";

/**
 * A V8 CPU profile of the Worker's isolate through workerd's inspector (`--inspector-addr`),
 * and its summary: self time by package (mapped back through the bundle's source map) and the
 * functions that cost most. Self time is where the isolate was when sampled, not its callees.
 *
 * V8 samples on a wall-clock timer: a sample taken while the thread waits for a core (a busy
 * machine) or blocks in native code still counts. So the summary uses the samples for shares
 * only, and turns them into milliseconds with the workerd process's CPU time from /proc.
 */
export type CpuProfile = {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
};

type Inspector = { call(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>> };

async function connect(address: string): Promise<Inspector & { close(): void }> {
  const targets = (await (await fetch(`http://${address}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const target = targets[0]?.webSocketDebuggerUrl;
  if (!target) throw new Error(`no inspector target at ${address}`);
  const ws = new WebSocket(target);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, unknown> };
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? {});
  });
  return {
    call: (method, params = {}) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** Brackets a run: sampling starts `before` it and stops `after`; then `profile()` has the result. */
export function profiler(address: string) {
  let inspector: Awaited<ReturnType<typeof connect>> | undefined;
  let profile: CpuProfile | undefined;
  return {
    before: async () => {
      inspector = await connect(address);
      await inspector.call("Profiler.enable");
      // 250 µs: fine enough for sub-millisecond requests, without the profiler dominating them.
      await inspector.call("Profiler.setSamplingInterval", { interval: 250 });
      await inspector.call("Profiler.start");
    },
    after: async () => {
      profile = ((await inspector?.call("Profiler.stop")) as { profile: CpuProfile } | undefined)?.profile;
      inspector?.close();
    },
    profile: (): CpuProfile => {
      if (!profile) throw new Error("the profiler returned no profile");
      return profile;
    },
  };
}

export type ProfileSummary = {
  /** The workerd process's CPU per request (/proc), which the shares below divide. */
  cpuMsPerRequest: number;
  /**
   * CPU milliseconds per request by part (package, our file, or the runtime's): `self` where the
   * sample was, `withBuiltins` also charging each native built-in (fetch, crypto, storage...) to
   * the part whose JavaScript called it; `share` of the non-idle samples.
   */
  parts: { part: string; self: number; withBuiltins: number; share: number }[];
  /** The costliest functions by self time; a built-in is named with its JavaScript caller. */
  functions: { name: string; part: string; msPerRequest: number }[];
  samples: { busy: number; idle: number };
};

type Node = CpuProfile["nodes"][number];
type Located = { part: string; name: string; native: boolean };

// V8's pseudo-frames, and what they stand for.
const PSEUDO: Record<string, string> = {
  "(idle)": "(idle)",
  "(garbage collector)": "(GC)",
  "(program)": "(native: workerd, outside JS)",
  "(root)": "(idle)",
};

export function summarise(profile: CpuProfile, bundleDir: string, cpuMsPerRequest: number): ProfileSummary {
  const map = new SourceMap(JSON.parse(readFileSync(join(bundleDir, "index.js.map"), "utf8")));
  const moduleAt = moduleIndex(bundleDir);
  const parent = new Map<number, Node>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const located = new Map(profile.nodes.map((node) => [node.id, locate(node.callFrame, map, moduleAt)]));
  // The nearest caller written in JavaScript, for a built-in's sample.
  const caller = (node: Node): Located | undefined => {
    for (let p = parent.get(node.id); p; p = parent.get(p.id)) {
      const at = located.get(p.id);
      if (at && !at.native && !at.part.startsWith("(")) return at;
    }
    return undefined;
  };
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((node, i) => {
    selfMicros.set(node, (selfMicros.get(node) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const self = new Map<string, number>();
  const withBuiltins = new Map<string, number>();
  const functions = new Map<string, { name: string; part: string; micros: number }>();
  const add = (m: Map<string, number>, key: string, us: number) => m.set(key, (m.get(key) ?? 0) + us);
  let idle = 0;
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id);
    const at = located.get(node.id);
    if (!micros || !at) continue;
    if (at.part === "(idle)") {
      idle += micros;
      continue;
    }
    const by = at.native ? caller(node) : undefined;
    // A built-in with no JavaScript below it: workerd calling in (RPC delivery, storage commits...).
    const part = at.native && !by ? "(native: runtime, no JS caller)" : at.part;
    add(self, part, micros);
    add(withBuiltins, by?.part ?? part, micros);
    const name = by ? `${at.name} ← ${by.name}` : at.name;
    const entry = functions.get(`${part} ${name}`) ?? { name, part, micros: 0 };
    entry.micros += micros;
    functions.set(`${part} ${name}`, entry);
  }
  const busy = [...self.values()].reduce((a, us) => a + us, 0);
  const perRequest = (micros: number) => (cpuMsPerRequest * micros) / busy;
  return {
    cpuMsPerRequest,
    parts: [...new Set([...self.keys(), ...withBuiltins.keys()])]
      .map((part) => ({
        part,
        self: perRequest(self.get(part) ?? 0),
        withBuiltins: perRequest(withBuiltins.get(part) ?? 0),
        share: (self.get(part) ?? 0) / busy,
      }))
      .sort((a, b) => b.self - a.self),
    functions: [...functions.values()]
      .map((f) => ({ name: f.name, part: f.part, msPerRequest: perRequest(f.micros) }))
      .sort((a, b) => b.msPerRequest - a.msPerRequest)
      .slice(0, 30),
    samples: { busy, idle },
  };
}

function locate(frame: Node["callFrame"], map: SourceMap, moduleAt: (line: number) => string | undefined): Located {
  const pseudo = PSEUDO[frame.functionName];
  if (pseudo) return { part: pseudo, name: frame.functionName, native: false };
  const name = frame.functionName || "(anonymous)";
  // Built-ins implemented natively (fetch, Response, crypto.subtle, storage...) have no script.
  if (!frame.url) return { part: "(native: built-ins)", name, native: true };
  if (!frame.url.endsWith("index.js")) return { part: `(runtime: ${frame.url.split(":")[0]})`, name, native: false };
  const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as Partial<SourceMapping>;
  // The module marker is exact; a minified bundle has none, and then the source map decides.
  const input = moduleAt(frame.lineNumber) ?? entry.originalSource;
  // Code outside any module: esbuild's own helpers (`__name`, `__export`...).
  if (!input) return { part: "(esbuild helpers)", name, native: false };
  const part = partOf(input);
  if (!entry.originalSource) return { part, name: `${name} (${sourcePath(input)})`, native: false };
  // A package whose own source map leaves the package (drizzle-orm's) is named by its bundle module.
  const original = sourcePath(entry.originalSource);
  const file = partOf(entry.originalSource) === part ? original : `${part}/${original}`;
  return { part, name: `${name} (${file}:${(entry.originalLine ?? 0) + 1})`, native: false };
}

export function profileTable(summary: ProfileSummary): string {
  const ms = (n: number) => n.toFixed(3);
  return [
    "| part | CPU ms/request (self) | with the built-ins it calls | share of non-idle samples |",
    "| --- | ---: | ---: | ---: |",
    ...summary.parts.map(
      (p) => `| ${p.part} | ${ms(p.self)} | ${ms(p.withBuiltins)} | ${(p.share * 100).toFixed(1)}% |`,
    ),
    `| **workerd process (/proc)** | **${ms(summary.cpuMsPerRequest)}** | | |`,
    "",
    "| function (built-in ← its JavaScript caller) | part | CPU ms/request (self) |",
    "| --- | --- | ---: |",
    ...summary.functions.map((f) => `| ${f.name} | ${f.part} | ${ms(f.msPerRequest)} |`),
  ].join("\n");
}
