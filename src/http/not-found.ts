import type { Context, Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, problemResponse } from "./errors";

type RouteTable = { pattern: RegExp; methods: string[] }[];

/**
 * Builds the 404/405 fallback from the routes the app actually registered, so the `Allow`
 * header can never drift from the routing table. Call after every route is registered.
 */
export function notFoundHandler(app: Hono<AppEnv>): (c: Context<AppEnv>) => Response {
  const table = routeTable(app);
  return (c) => {
    const path = new URL(c.req.url).pathname;
    const match = table.find((r) => r.pattern.test(path));
    if (match) {
      const detail = `Method ${c.req.method} is not allowed on this resource.`;
      return problemResponse(
        c,
        new ApiError("METHOD_NOT_ALLOWED", detail, { headers: { Allow: match.methods.join(", ") } }),
      );
    }
    return problemResponse(c, new ApiError("NOT_FOUND", "No resource matches this path."));
  };
}

function routeTable(app: Hono<AppEnv>): RouteTable {
  const byPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
    byPath.set(route.path, methods);
  }
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^${escapeRegExp(path.replace(/\/$/, "")).replace(/:[^/]+/g, "[^/]+")}/?$`),
    methods: [...methods].sort(),
  }));
}

// Route paths are literal except for `:param` segments, which the caller turns into wildcards.
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
