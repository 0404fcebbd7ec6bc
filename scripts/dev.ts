/**
 * `npm run dev`: the whole local stack in one command.
 *   1. `.dev.vars`: created or completed (JWT secret, demo passwords, DATABASE_URL); never overwritten.
 *   2. PostgreSQL from npm, data in .data/pg (reused across runs), and the local SQL-over-HTTP
 *      endpoint that stands in for Neon.
 *   3. Migrations, then demo users `admin` and `analyst` on first run (passwords printed once).
 *   4. `wrangler dev` on 127.0.0.1:8787, once the database answers.
 * Ctrl-C (SIGINT/SIGTERM) stops wrangler, the endpoint and postgres, in that order.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { hashPassword } from "../src/auth/password";
import { createDb } from "../src/db/client";
import { findUserByUsername, insertUser } from "../src/users/store";
import { ensureDevVars, readDevVars } from "./dev-vars";
import { isPortFree, startLocalDatabase } from "./local-db";
import { applyMigrations } from "./migrate";
import { startSqlEndpoint } from "./sql-endpoint";
import { wranglerEnv } from "./wrangler-env";

const root = fileURLToPath(new URL("..", import.meta.url));
const DEV_VARS = `${root}.dev.vars`;
const API_PORT = Number(process.env.VIGIL_API_PORT ?? 8787);
const DB_PORT = Number(process.env.VIGIL_DB_PORT ?? 54320);
const ENDPOINT_PORT = Number(process.env.VIGIL_SQL_ENDPOINT_PORT ?? 54321);

if (process.argv.includes("--help")) {
  console.log(
    "Usage: npm run dev\nStarts PostgreSQL, the local SQL endpoint and wrangler dev on http://127.0.0.1:8787.",
  );
  process.exit(0);
}

const log = (msg: string) => console.log(`[vigil] ${msg}`);
const secret = () => randomBytes(32).toString("base64url");
const stops: (() => Promise<unknown>)[] = [];
let wrangler: ChildProcess | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    log("stopping…");
    if (wrangler && wrangler.exitCode === null) {
      const exited = new Promise((r) => wrangler?.once("exit", r));
      wrangler.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (wrangler.exitCode === null) wrangler.kill("SIGKILL");
    }
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

async function main() {
  if (!(await isPortFree(API_PORT))) {
    throw new Error(`Port ${API_PORT} is already in use: is another \`npm run dev\` running? Stop it first.`);
  }
  const added = ensureDevVars(DEV_VARS, {
    JWT_SECRET: secret,
    DATABASE_URL: () => `postgresql://vigil:vigil@127.0.0.1:${ENDPOINT_PORT}/vigil`,
    DEMO_ADMIN_PASSWORD: secret,
    DEMO_ANALYST_PASSWORD: secret,
    WEBHOOK_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
    // Local only: lets webhooks target a receiver on this machine (http://127.0.0.1:...).
    // Production keeps the default, "off" (https to public hosts only).
    WEBHOOK_ALLOW_INSECURE: () => "on",
  });
  if (added.length) log(`.dev.vars: added ${added.join(", ")}`);
  const vars = readDevVars(DEV_VARS);
  const databaseUrl = vars.get("DATABASE_URL") ?? "";
  const url = new URL(databaseUrl);

  if (["127.0.0.1", "localhost"].includes(url.hostname)) {
    log("starting PostgreSQL (.data/pg)…");
    const db = await startLocalDatabase({ dataDir: `${root}.data/pg`, port: DB_PORT, persistent: true, log });
    stops.push(() => db.stop());
    const endpoint = await startSqlEndpoint({ connectionString: db.connectionString, port: Number(url.port) });
    stops.push(() => endpoint.close());
    log(`SQL endpoint on ${endpoint.url}`);
  } else {
    log(`DATABASE_URL points at ${url.hostname}: using it, no local database.`);
  }

  const applied = await applyMigrations(databaseUrl);
  log(applied ? `applied ${applied} migration(s)` : "database schema is up to date");
  await ensureDemoUsers(databaseUrl, vars);

  log(`starting wrangler dev on http://127.0.0.1:${API_PORT} …`);
  wrangler = spawn(
    process.execPath,
    [
      `${root}node_modules/wrangler/bin/wrangler.js`,
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(API_PORT),
      ...process.argv.slice(2),
    ],
    { cwd: root, stdio: "inherit", env: wranglerEnv(root) },
  );
  tickCron();
  wrangler.once("exit", (code) => {
    if (!stopping) {
      log(`wrangler exited (${code ?? "signal"})`);
      void shutdown(code ?? 1);
    }
  });
}

/**
 * Runs the Worker's scheduled handler every minute, as the Cron Trigger does in production:
 * Miniflare fires no Cron Triggers by itself. wrangler dev serves this trigger path (the one it prints at start); not
 * `--test-scheduled`'s `/__scheduled`, which the console's Static Assets (single-page fallback)
 * answer first, so the sweep never ran.
 */
function tickCron() {
  const timer = setInterval(() => {
    fetch(`http://127.0.0.1:${API_PORT}/cdn-cgi/local/scheduled?cron=*+*+*+*+*`).catch(() => {
      // wrangler still starting, or stopping
    });
  }, 60_000);
  stops.push(async () => clearInterval(timer));
}

/** The demo users are an operator's doing, as far as the audit log is concerned. */
const DEV_SEED = { type: "cli", name: "npm run dev" } as const;

async function ensureDemoUsers(databaseUrl: string, vars: Map<string, string>) {
  const db = createDb(databaseUrl);
  for (const role of ["admin", "analyst"] as const) {
    if (await findUserByUsername(db, role)) continue;
    const password = vars.get(role === "admin" ? "DEMO_ADMIN_PASSWORD" : "DEMO_ANALYST_PASSWORD") ?? secret();
    await insertUser(db, { username: role, role, passwordHash: await hashPassword(password) }, DEV_SEED);
    log(`created demo user ${role} / ${password}  (kept in .dev.vars)`);
  }
}

main().catch((e: unknown) => {
  console.error(`[vigil] ${e instanceof Error ? e.message : String(e)}`);
  void shutdown(1);
});
