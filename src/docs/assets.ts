/**
 * Where the docs page finds Scalar: static assets the console's build writes
 * (console/vite.config.ts), read by the page (./routes.ts). No imports: the build reads it too.
 */
export const SCALAR_BUNDLE_PATH = "/vendor/scalar/standalone.js";
export const SCALAR_START_PATH = "/vendor/scalar/start.js";

/**
 * Scalar's settings, in the start script: the document from this origin, no web fonts and none
 * of its hosted services (AI chat, MCP, developer tools, telemetry), so the page renders offline
 * and never sends a request outside the origin.
 */
export const SCALAR_CONFIGURATION = {
  url: "/api/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
} as const;
