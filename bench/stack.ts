import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, startLocalDatabase } from "../scripts/local-db";
import { applyMigrations } from "../scripts/migrate";
import { hashPassword } from "../src/auth/password";
import { createDb } from "../src/db/client";
import { insertUser } from "../src/users/store";
import type { Component } from "./cpu";

/** An isolated stack for the bench, like the test setup's: never the dev database. */
export const root = new URL("..", import.meta.url).pathname;
export const SEEDED_ALERTS = 100_000;

export type Stack = {
  databaseUrl: string;
  /** PostgreSQL itself (not through the SQL endpoint), for what the bench reads beside the load. */
  postgresUrl: string;
  vars: Record<string, string>;
  credentials: { username: string; password: string };
  /** The SQL endpoint and PostgreSQL, whose CPU the bench reads beside the Worker's. */
  components: Component[];
  seedSeconds: number;
  /** Sets the SQL endpoint's hold on every answer (--db-latency) from the next query on. */
  setDbLatency(ms: number): Promise<void>;
  stop(): Promise<void>;
};

/**
 * `seed: false` (the end-to-end scripts, scripts/e2e-intake.ts) starts with no alerts: an
 * empty database, the same migrations, user and vars.
 */
export async function startStack(
  log: (msg: string) => void,
  options: { dbLatencyMs: number; seed?: boolean },
): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), "vigil-bench-"));
  const db = await startLocalDatabase({ dataDir, port: await freePort(), persistent: false });
  const endpoint = await startEndpointProcess(db.connectionString, options.dbLatencyMs);
  const databaseUrl = `postgresql://vigil:vigil@127.0.0.1:${endpoint.port}/vigil`;
  await applyMigrations(databaseUrl);
  let seedSeconds = 0;
  if (options.seed !== false) {
    log(`database ready; seeding ${SEEDED_ALERTS.toLocaleString("en")} alerts…`);
    const seedStarted = performance.now();
    await seed(db.connectionString);
    seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`  seeded in ${seedSeconds.toFixed(1)} s`);
  }
  const credentials = { username: "bench-admin", password: `bench-${crypto.randomUUID()}` };
  await insertUser(
    createDb(databaseUrl),
    { ...credentials, role: "admin", passwordHash: await hashPassword(credentials.password) },
    { type: "cli", name: "npm run bench" },
  );
  const limit = "100000000/60s"; // throttling must not shape the figures
  const vars = {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: `${crypto.randomUUID()}${crypto.randomUUID()}`,
    WEBHOOK_ENCRYPTION_KEY: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
    SERVER_TIMING: "on",
    RATE_LIMIT_INGEST: limit,
    RATE_LIMIT_READ: limit,
    RATE_LIMIT_WRITE: limit,
    RATE_LIMIT_AUTH: limit,
    RATE_LIMIT_AUTH_USERNAME: limit,
    // The push scenario's webhook receiver is on loopback.
    WEBHOOK_ALLOW_INSECURE: "on",
  };
  // PostgreSQL writes its postmaster's pid on the first line of this file; backends are its children.
  const postmaster = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  return {
    databaseUrl,
    postgresUrl: db.connectionString,
    vars,
    credentials,
    components: [
      { name: "endpoint", pid: endpoint.pid },
      { name: "postgres", pid: postmaster },
    ],
    seedSeconds,
    setDbLatency: endpoint.setLatency,
    stop: async () => {
      await endpoint.stop();
      await db.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type EndpointProcess = { port: number; pid: number; setLatency(ms: number): Promise<void>; stop(): Promise<void> };

/** The SQL endpoint as a child process (bench/endpoint-process.ts), so its CPU is its own. */
async function startEndpointProcess(connectionString: string, latencyMs: number): Promise<EndpointProcess> {
  const child: ChildProcess = fork(
    `${root}bench/endpoint-process.ts`,
    ["--connection-string", connectionString, "--db-latency", String(latencyMs)],
    { cwd: root, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`SQL endpoint process exited (${code}) before listening`)));
  });
  return {
    port,
    pid: child.pid ?? 0,
    setLatency: (latencyMs) =>
      new Promise<void>((resolve) => {
        const applied = (m: { latencyMs?: number }) => {
          if (m.latencyMs !== latencyMs) return;
          child.off("message", applied);
          resolve();
        };
        child.on("message", applied);
        child.send({ latencyMs });
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * 100,000 High/Critical events with their alerts (none Resolved), in one statement. Then
 * `vacuum analyze`, as autovacuum would soon do to a table that size: the planner sees the real
 * sizes, and the visibility map lets counts be index-only scans (without it, events-list's count
 * is a sequential scan, 45 ms instead of 10). Straight to PostgreSQL: the Worker's driver bounds a
 * query at 10 s, which a busy machine can exceed here.
 */
async function seed(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`
    with e as (
      insert into events (source_name, event_type, severity, description, occurred_at, created_at, metadata)
      select 'seed-' || (g % 50), 'brute_force', (array['High','Critical'])[1 + g % 2]::severity,
             'Seeded event for the benchmark, long enough for Critical', now() - g * interval '1 second',
             now() - g * interval '1 second', jsonb_build_object('src_ip', '203.0.113.' || (g % 250))
      from generate_series(1, ${SEEDED_ALERTS}) g
      returning id, severity, created_at
    )
    insert into alerts (event_id, severity, status, created_at, updated_at)
    select id, severity, (array['Open','Acknowledged','Investigating'])[1 + id % 3]::alert_status, created_at, created_at
    from e`);
    // As ingest does, each event names the alert it raised (what the alert search reads). A statement
    // of its own: the insert's CTEs would not see the rows they inserted.
    await client.query("update events e set alert_id = a.id from alerts a where a.event_id = e.id");
    await client.query("vacuum analyze events, alerts");
  } finally {
    await client.end();
  }
}
