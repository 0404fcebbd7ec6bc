import { encodedBody, type LoadResult, type LoadShape, measure } from "./load";
import type { RequestSpec, Scenario, ScenarioContext } from "./scenarios";
import type { Server } from "./servers";

/** Signs the bench's admin in on a running Worker; the header every `auth` scenario sends. */
export async function adminAuth(url: string, credentials: { username: string; password: string }) {
  const res = await fetch(`${url}/api/auth/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(credentials),
  });
  if (!res.ok) throw new Error(`bench login failed: ${res.status} ${await res.text()}`);
  return { Authorization: `Bearer ${((await res.json()) as { access: string }).access}` };
}

/**
 * Two requests first: both must succeed, and the second's Server-Timing header tells the database
 * round trips of the steady state (the first use of an API key also reads the key's row, once).
 */
async function probe(url: string, spec: RequestSpec): Promise<number | null> {
  await probeOne(url, spec, 0);
  return probeOne(url, spec, 1);
}

async function probeOne(url: string, spec: RequestSpec, i: number): Promise<number | null> {
  const { path, body } = spec.next?.(i) ?? spec;
  const res = await fetch(`${url}${path}`, {
    method: spec.method,
    headers: { "Content-Type": "application/json", ...spec.headers },
    body: encodedBody(body),
  });
  if (!res.ok) throw new Error(`${spec.method} ${path}: probe answered ${res.status} ${await res.text()}`);
  const m = /desc="(\d+) round trips"/.exec(res.headers.get("Server-Timing") ?? "");
  return m?.[1] ? Number(m[1]) : null;
}

/** A scenario's share of --requests: all of it, unless it caps itself (login). */
export function requestsFor(s: Scenario, shape: LoadShape): number {
  return Math.min(shape.requests, s.requests ?? shape.requests);
}

export type ScenarioRun = { result: LoadResult; roundTrips: number | null; extra?: Record<string, number> };

/**
 * A scenario's whole life on one server: its setup (which may add headers or replace the
 * request), the probe, warm-up and measured load, its own figures, and its teardown.
 * `during` runs around the measured requests only (the profiler uses it).
 */
export async function runScenario(
  server: Server,
  s: Scenario,
  ctx: ScenarioContext,
  shape: LoadShape & { warmup: number },
  during?: { before(): Promise<void>; after(): Promise<void> },
): Promise<ScenarioRun> {
  const { collect, teardown, ...overrides } = (await s.setup?.(ctx)) ?? {};
  try {
    const spec: RequestSpec = {
      ...s,
      ...overrides,
      headers: { ...(s.auth ? ctx.adminAuth : {}), ...s.headers, ...overrides.headers },
    };
    const roundTrips = await probe(server.url, spec);
    const requests = requestsFor(s, shape);
    const warmup = Math.min(shape.warmup, Math.ceil(requests / 10));
    const result = await measure(server.url, spec, { ...shape, requests }, warmup, server.components, during);
    return { result, roundTrips, ...(collect && { extra: await collect() }) };
  } finally {
    await teardown?.();
  }
}
