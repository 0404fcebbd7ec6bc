/**
 * The SQL endpoint in a process of its own, so the bench can read its CPU time apart from
 * autocannon's (which runs in the bench's process).
 *   tsx bench/endpoint-process.ts --connection-string postgresql://... [--db-latency <ms>]
 * Sends `{ port }` to its parent over IPC once it listens (and prints it when run by hand); takes
 * `{ latencyMs }` to change the hold (answered `{ latencyMs }` once it applies); stops on SIGTERM
 * or when its parent goes away.
 */
import { startSqlEndpoint } from "../scripts/sql-endpoint";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const connectionString = flag("connection-string");
if (process.argv.includes("--help") || !connectionString) {
  console.log("Usage: tsx bench/endpoint-process.ts --connection-string <postgresql://...> [--db-latency <ms>]");
  process.exit(connectionString ? 0 : 2);
}

const endpoint = await startSqlEndpoint({ connectionString, latencyMs: Number(flag("db-latency") ?? 0) });
if (process.send) process.send({ port: endpoint.port });
else console.log(`[endpoint] SQL endpoint on ${endpoint.url}`);
process.on("message", (m: { latencyMs?: unknown }) => {
  if (typeof m.latencyMs !== "number") return;
  endpoint.setLatency(m.latencyMs);
  process.send?.({ latencyMs: m.latencyMs });
});
const stop = () => void endpoint.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
// The bench gone (crashed, killed) closes the IPC channel: never outlive it.
process.once("disconnect", stop);
