/**
 * Environment for every wrangler we spawn: no telemetry, no `Request.cf` look-up, no login,
 * and wrangler's own files kept inside the project instead of the home directory.
 */
export function wranglerEnv(root: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    XDG_CONFIG_HOME: `${root}.config`,
  };
}
