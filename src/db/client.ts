import { AsyncLocalStorage } from "node:async_hooks";
import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import * as schema from "./schema";

/**
 * The one database factory. Every query goes over Neon's SQL-over-HTTP (one HTTPS request per
 * statement or per atomic batch), in production and locally alike: locally DATABASE_URL names
 * a loopback address where scripts/sql-endpoint.ts speaks the same protocol to a real Postgres.
 */
export type Db = ReturnType<typeof createDb>;

/** Per-request database accounting, surfaced as Server-Timing when enabled. */
export type DbUsage = { roundTrips: number; millis: number };
const usage = new AsyncLocalStorage<DbUsage>();

export function withDbUsage<T>(fn: () => Promise<T>): Promise<{ result: T; usage: DbUsage }> {
  const record: DbUsage = { roundTrips: 0, millis: 0 };
  return usage.run(record, async () => ({ result: await fn(), usage: record }));
}

/** Round trips made on the request's behalf elsewhere (a Durable Object's look-up), counted as its own. */
export function recordRoundTrips(count: number): void {
  const record = usage.getStore();
  if (record) record.roundTrips += count;
}

/**
 * A query that hangs must become a bounded 503, not a request that never ends. The bound is a
 * signal per query because in workerd a timer, `AbortSignal.timeout` included, belongs to the
 * request that created it and dies with it: one shared across requests stops bounding anything
 * once its creator has answered. Measured in plain workerd (bench), the signal costs about 0.03 ms
 * a query, no more than the alternatives (setTimeout with Promise.race or an AbortController).
 */
const QUERY_TIMEOUT_MS = 10_000;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
const neonEndpoint = neonConfig.fetchEndpoint;

// Set once per isolate. Neon never lives on a loopback address, so only the local stand-in
// is reached over plain HTTP; every other host keeps the driver's own endpoint.
neonConfig.fetchEndpoint = (host, port, options) =>
  LOOPBACK.has(host)
    ? `http://${host}:${port}/sql`
    : typeof neonEndpoint === "function"
      ? neonEndpoint(host, port, options)
      : neonEndpoint;

neonConfig.fetchFunction = async (input: RequestInfo | URL, init?: RequestInit) => {
  const record = usage.getStore();
  const started = performance.now();
  try {
    return await fetch(input, { ...init, signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  } finally {
    if (record) {
      record.roundTrips += 1;
      record.millis += performance.now() - started;
    }
  }
};

const cache = new Map<string, ReturnType<typeof build>>();

function build(databaseUrl: string) {
  return drizzle({ client: neon(databaseUrl), schema, casing: "snake_case" });
}

/** Stateless over HTTP, so one instance per isolate and URL is safe to share across requests. */
export function createDb(databaseUrl: string) {
  let db = cache.get(databaseUrl);
  if (!db) {
    db = build(databaseUrl);
    cache.set(databaseUrl, db);
  }
  return db;
}

/** The driver's error in an error's `cause` chain (drizzle wraps it): its SQLSTATE and constraint. */
export function dbError(error: unknown): { code?: string; constraint?: string } | null {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === "NeonDbError") return e as Error & { code?: string; constraint?: string };
  }
  return null;
}

/**
 * True when an error means the database could not be reached or is unavailable (so the API
 * answers 503), as opposed to a query the database rejected.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === "AbortError" || e.name === "TimeoutError") return true;
  }
  const db = dbError(error);
  if (!db) return false;
  // No SQLSTATE: transport failure. Class 08 connection, 53 resources, 57P0x shutdown.
  return db.code === undefined || /^(08|53|57P0)/.test(db.code);
}
