import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unstable_dev } from "wrangler";
import { freePort, startLocalDatabase } from "../scripts/local-db";
import { applyMigrations } from "../scripts/migrate";
import { startSqlEndpoint } from "../scripts/sql-endpoint";
import { wranglerEnv } from "../scripts/wrangler-env";
import { hashPassword } from "../src/auth/password";
import { createDb } from "../src/db/client";
import { insertUser } from "../src/users/store";

/** An isolated stack for the bench, like the test setup's: never the dev database. */
export const root = new URL("..", import.meta.url).pathname;
export const SEEDED_ALERTS = 10_000;

export type Stack = {
  databaseUrl: string;
  vars: Record<string, string>;
  credentials: { username: string; password: string };
  stop(): Promise<void>;
};

export async function startStack(log: (msg: string) => void): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), "vigil-bench-"));
  const db = await startLocalDatabase({ dataDir, port: await freePort(), persistent: false });
  const endpoint = await startSqlEndpoint({ connectionString: db.connectionString });
  const databaseUrl = `postgresql://vigil:vigil@127.0.0.1:${endpoint.port}/vigil`;
  await applyMigrations(databaseUrl);
  log(`database ready; seeding ${SEEDED_ALERTS} alerts…`);
  await seed(databaseUrl);
  const credentials = { username: "bench-admin", password: `bench-${crypto.randomUUID()}` };
  await insertUser(createDb(databaseUrl), {
    ...credentials,
    role: "admin",
    passwordHash: await hashPassword(credentials.password),
  });
  const limit = "100000000/60s"; // throttling must not shape the figures
  const vars = {
    DATABASE_URL: databaseUrl,
    JWT_SECRET: `${crypto.randomUUID()}${crypto.randomUUID()}`,
    SERVER_TIMING: "on",
    RATE_LIMIT_INGEST: limit,
    RATE_LIMIT_READ: limit,
    RATE_LIMIT_WRITE: limit,
    RATE_LIMIT_AUTH: limit,
  };
  return {
    databaseUrl,
    vars,
    credentials,
    stop: async () => {
      await endpoint.close();
      await db.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** 10,000 High/Critical events with their alerts (none Resolved), in one statement. */
async function seed(databaseUrl: string): Promise<void> {
  const sql = createDb(databaseUrl).$client;
  await sql.query(`
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
  await sql.query("analyze");
}

export type Server = { url: string; stop(): Promise<void> };

/** A copy of wrangler.toml in a temp dir with the bench's vars: the project's .dev.vars never leaks in. */
function isolatedConfig(vars: Record<string, string>, main: string): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-config-"));
  const config = join(dir, "wrangler.toml");
  writeFileSync(config, readFileSync(`${root}wrangler.toml`, "utf8").replace(/^main = .*$/m, `main = "${main}"`));
  writeFileSync(
    join(dir, ".dev.vars"),
    Object.entries(vars)
      .map(([k, v]) => `${k}="${v}"`)
      .join("\n"),
  );
  return { dir, config };
}

/** `wrangler dev` as users run it, with request logging off (it costs about a third of throughput). */
export async function startWrangler(vars: Record<string, string>): Promise<Server> {
  const { dir, config } = isolatedConfig(vars, `${root}src/index.ts`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      `${root}node_modules/wrangler/bin/wrangler.js`,
      "dev",
      "-c",
      config,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--log-level",
      "warn",
      "--show-interactive-dev-session=false",
    ],
    { cwd: dir, env: wranglerEnv(root), stdio: ["ignore", "ignore", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url);
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The deployable bundle (as `wrangler deploy` would upload it, not rebuilt) served in workerd through
 * wrangler's programmatic API, without the CLI process: the production-like figure.
 */
export async function startBundle(bundlePath: string, vars: Record<string, string>): Promise<Server> {
  const { dir, config } = isolatedConfig(vars, bundlePath);
  const worker = await unstable_dev(bundlePath, {
    config,
    bundle: false,
    ip: "127.0.0.1",
    port: await freePort(),
    logLevel: "none",
    local: true,
    experimental: { disableExperimentalWarning: true },
  });
  const url = `http://127.0.0.1:${worker.port}`;
  await waitUntilUp(url);
  return {
    url,
    stop: async () => {
      await worker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/api/health/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up within 60 s`);
}
