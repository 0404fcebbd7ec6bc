/**
 * Environment for every wrangler we spawn: no telemetry, no `Request.cf` look-up, no login,
 * and wrangler's own files kept inside the project instead of the home directory.
 *
 * `wrangler dev` also runs, by default, a local observability collector (every request's trace
 * streamed to a SQLite-backed object) and a local data explorer (which wraps our Durable Object
 * classes to inspect them). Neither exists in production, and in `npm run bench`'s wrangler-dev
 * mode they cost 4-5 ms of CPU on a database read and about 1.5 ms on the lightest request:
 * off unless the caller's environment turns them on (`X_LOCAL_OBSERVABILITY=true npm run dev`).
 */
export function wranglerEnv(root: string): NodeJS.ProcessEnv {
  return {
    X_LOCAL_OBSERVABILITY: "false",
    X_LOCAL_EXPLORER: "false",
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    XDG_CONFIG_HOME: `${root}.config`,
  };
}
