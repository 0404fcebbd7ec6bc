import autocannon, { type Request as CannonRequest } from "autocannon";
import { type Component, type CpuSample, cpuDelta, sampleCpu } from "./cpu";
import type { RequestSpec } from "./scenarios";

/** How much load: a fixed number of requests (so CPU per request compares), or a duration. */
export type LoadShape = { connections: number; requests: number; duration?: number };

export type LoadResult = {
  requests: number;
  seconds: number;
  rps: number;
  /** Latency percentiles in milliseconds, from every response's own timing (2xx and others). */
  p50: number;
  p99: number;
  non2xx: number;
  /** CPU milliseconds per component over the measured requests (not the warm-up). */
  cpu: CpuSample;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** A body as sent: JSON, unless it is text already (NDJSON, say, with its own Content-Type). */
export function encodedBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === "string" ? body : JSON.stringify(body);
}

function cannonRequest(spec: RequestSpec): CannonRequest {
  const { next } = spec;
  let i = 0;
  return {
    method: spec.method,
    path: spec.path,
    headers: { "Content-Type": "application/json", ...spec.headers },
    body: encodedBody(spec.body),
    ...(next && {
      setupRequest: (req: CannonRequest) => {
        const { path, body } = next(i++);
        return { ...req, path, ...(body === undefined ? {} : { body: encodedBody(body) }) };
      },
    }),
  };
}

function run(
  url: string,
  spec: RequestSpec,
  shape: LoadShape,
  onResponse?: (status: number, ms: number) => void,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: shape.connections,
        ...(shape.duration ? { duration: shape.duration } : { amount: shape.requests }),
        requests: [cannonRequest(spec)],
      },
      (error: Error | null, result) => (error ? reject(error) : resolve(result)),
    );
    if (onResponse) instance.on("response", (_client, status, _bytes, ms) => onResponse(status, ms));
  });
}

/**
 * Warms the Worker up, then measures: wall time, every response's latency, and CPU of each
 * component. `during` brackets the measured requests only (e.g. a profiler).
 */
export async function measure(
  url: string,
  spec: RequestSpec,
  shape: LoadShape,
  warmup: number,
  components: Component[],
  during?: { before(): Promise<void>; after(): Promise<void> },
): Promise<LoadResult> {
  if (warmup > 0) await run(url, spec, { connections: shape.connections, requests: warmup });
  const latencies: number[] = [];
  let non2xx = 0;
  await during?.before();
  const before = sampleCpu(components);
  const started = performance.now();
  let lastResponse = started;
  const result = await run(url, spec, shape, (status, ms) => {
    lastResponse = performance.now();
    latencies.push(ms);
    if (status < 200 || status > 299) non2xx += 1;
  });
  // Up to the last response, not to the callback: autocannon notices it is done only at its next
  // one-second sample tick, which would round every run's wall time up to whole seconds.
  const seconds = (lastResponse - started) / 1000;
  const cpu = cpuDelta(before, sampleCpu(components));
  await during?.after();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non2xx: non2xx + result.errors + result.timeouts,
    cpu,
  };
}
