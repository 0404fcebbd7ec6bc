/**
 * `npm run e2e:intake`: issue 19's receivers proven with the real tools, Debian's
 * prometheus-alertmanager and syslog-ng, against an isolated Vigil (its own PostgreSQL, SQL
 * endpoint and wrangler dev, as the bench starts them). Everything listens on 127.0.0.1 only and
 * lives in a temp directory removed at the end. Exit status 0 when every check held.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWranglerDev } from "../bench/servers";
import { adminAuth } from "../bench/session";
import { startStack } from "../bench/stack";
import { ALERTMANAGER, proveAlertmanager, startAlertmanager } from "./e2e/alertmanager";
import type { Program } from "./e2e/process";
import { proveSyslogNg, SYSLOG_NG } from "./e2e/syslog-ng";
import { vigilClient } from "./e2e/vigil";

const HELP = `Usage: npm run e2e:intake
Proves the native receivers (issue 19) with the real tools, on 127.0.0.1 only:
  1. an isolated Vigil: PostgreSQL, the SQL endpoint and wrangler dev, an admin and an ingest key;
  2. Alertmanager (${ALERTMANAGER}) with a generated config whose webhook is Vigil's
     /api/intake/alertmanager/ (the key in http_config.authorization), no cluster, its own storage:
     alerts injected through its POST /api/v2/alerts appear once each, its repeats group, and
     resolving them in Alertmanager resolves them in Vigil, by the key;
  3. syslog-ng (${SYSLOG_NG}, with syslog-ng-mod-http) shipping 200 ECS NDJSON lines in batches
     to /api/intake/ecs/ through a proxy that fails the first delivery: 200 events, none twice.
Needs: apt-get install prometheus-alertmanager syslog-ng-core syslog-ng-mod-http`;

if (process.argv.includes("--help")) {
  console.log(HELP);
  process.exit(0);
}

const log = (msg: string) => console.log(`[e2e:intake] ${msg}`);
const started = performance.now();

async function main(): Promise<void> {
  const missing = [ALERTMANAGER, SYSLOG_NG].filter((path) => !existsSync(path));
  if (missing.length) throw new Error(`missing ${missing.join(", ")}\n\n${HELP}`);
  const dir = mkdtempSync(join(tmpdir(), "vigil-e2e-intake-"));
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  let alertmanager: Program | undefined;
  try {
    log("starting an isolated Vigil (PostgreSQL, SQL endpoint, migrations, wrangler dev)…");
    const stack = await startStack(log, { dbLatencyMs: 0, seed: false });
    cleanups.push(() => stack.stop());
    const server = await startWranglerDev(stack.vars);
    cleanups.push(() => server.stop());
    const vigil = vigilClient(server.url, await adminAuth(server.url, stack.credentials));
    const keyName = "e2e-intake-sensor";
    const { key } = await vigil.post<{ key: string }>("/api/keys/", { name: keyName, scopes: ["ingest"] });
    log(`  Vigil on ${server.url}; ingest key "${keyName}" created`);

    log("starting Alertmanager…");
    const am = await startAlertmanager(dir, server.url, key);
    alertmanager = am.program;
    cleanups.push(() => am.program.stop());
    log(`  Alertmanager on ${am.url}`);
    await proveAlertmanager(log, am, vigil, keyName);
    await am.program.stop();

    await proveSyslogNg(log, dir, vigil, key);
    log(`all checks held (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } catch (error) {
    if (alertmanager) console.error(`--- Alertmanager's log ---\n${alertmanager.tail()}`);
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

main().catch((error: unknown) => {
  console.error(`[e2e:intake] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
