/**
 * What a browser may do with each kind of page this origin serves: the one place for the
 * Content-Security-Policy and its companions. The Worker applies them to the API and the docs
 * page; the console's build writes them into the static assets' `_headers` file (the console is
 * served by Static Assets, which the Worker never sees), so both read this module.
 *
 * Same-origin WebSockets need no extra source: CSP Level 3 lets `'self'` match `ws:`/`wss:` on
 * the page's own host (Chromium, Firefox and Safari all implement it), and the stream lives on
 * the API's origin.
 */

type Directives = Record<string, string[]>;

function render(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(" "))
    .join("; ");
}

/** Framing nobody, sending no referrer, sniffing nothing: for every page and every response. */
const COMMON = {
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
} as const;

/** Directives no page here ever needs relaxed. */
const LOCKED: Directives = {
  "base-uri": ["'none'"],
  "object-src": ["'none'"],
  "frame-ancestors": ["'none'"],
  "form-action": ["'self'"],
};

/** JSON and problem bodies: nothing in them may run, load or be framed, whatever a browser makes of them. */
export const API_CSP = render({ "default-src": ["'none'"], ...LOCKED });

/**
 * The console: its own scripts and styles only (no inline script or style, no eval), the API and
 * stream on its own origin, the favicon as a `data:` URL.
 */
export const CONSOLE_CSP = render({
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'"],
  "img-src": ["'self'", "data:"],
  "connect-src": ["'self'"],
  ...LOCKED,
});

/**
 * `/api/docs/`: Scalar's bundle and its start-up script from our own assets (no inline script).
 * Scalar injects its stylesheet and its components' styles as `<style>` elements at run time, so
 * styles (only styles) may be inline here; `data:` images are its icons.
 */
export const DOCS_CSP = render({
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'", "'unsafe-inline'"],
  "img-src": ["'self'", "data:"],
  "font-src": ["'self'", "data:"],
  "connect-src": ["'self'"],
  ...LOCKED,
});

/** The headers of an HTML page, with its policy. */
export function pageHeaders(csp: string): Record<string, string> {
  return { "Content-Security-Policy": csp, ...COMMON };
}

/** The headers of an API response (JSON, problem+json, the 404 fallback). */
export function apiHeaders(): Record<string, string> {
  return { "Content-Security-Policy": API_CSP, ...COMMON };
}

/**
 * The Static Assets `_headers` file: every asset and the single-page fallback (deep links) get
 * the console's policy. `/api/*` never reaches the asset layer (the Worker runs first there).
 */
export function consoleHeadersFile(): string {
  const lines = Object.entries(pageHeaders(CONSOLE_CSP)).map(([name, value]) => `  ${name}: ${value}`);
  return ["/*", ...lines, ""].join("\n");
}
