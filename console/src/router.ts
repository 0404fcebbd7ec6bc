import { useSyncExternalStore } from "hono/jsx/dom";

/**
 * The console's pages: the dashboard at `/`, the queue at `/alerts` (filters in the query),
 * `/alerts/{id}`, silences, heartbeats, rules, and the admin pages under `/admin/`. Pages that take a
 * query get it; the rest ignore theirs.
 */
const LIST_PAGES = {
  "/": "dashboard",
  "/alerts": "queue",
  "/silences": "silences",
  "/heartbeats": "heartbeats",
  "/rules": "rules",
  "/admin/keys": "keys",
  "/admin/webhooks": "webhooks",
  "/admin/users": "users",
  "/admin/audit": "audit",
} as const;
type ListPage = (typeof LIST_PAGES)[keyof typeof LIST_PAGES];

export type Route =
  | { page: ListPage; query: URLSearchParams }
  | { page: "alert"; id: number }
  | { page: "webhook"; id: number }
  | { page: "missing" };

/** The admin pages, which the console shows admins only (the API refuses anyone else anyway). */
export const ADMIN_PAGES: readonly Route["page"][] = ["keys", "webhooks", "webhook", "users", "audit"];

const CHANGE = "vigil:navigate";
const ID = "([1-9][0-9]{0,15})";

/** Before the dashboard, the queue was at `/`: its old links (`/?status=Open`) still lead there. */
const QUEUE_FILTERS = ["status", "severity", "assignee", "page"];

export function routeOf(pathname: string, search: string): Route {
  const query = new URLSearchParams(search);
  const path = pathname.length > 1 ? pathname.replace(/\/$/, "") : "/";
  if (path === "/" && QUEUE_FILTERS.some((name) => query.has(name))) return { page: "queue", query };
  const list = LIST_PAGES[path as keyof typeof LIST_PAGES];
  if (list) return { page: list, query };
  const alert = new RegExp(`^/alerts/${ID}$`).exec(path);
  if (alert?.[1]) return { page: "alert", id: Number(alert[1]) };
  const webhook = new RegExp(`^/admin/webhooks/${ID}$`).exec(path);
  if (webhook?.[1]) return { page: "webhook", id: Number(webhook[1]) };
  return { page: "missing" };
}

export function navigate(href: string): void {
  if (href === location.pathname + location.search) return;
  history.pushState(null, "", href);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  window.addEventListener(CHANGE, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(CHANGE, listener);
  };
}

/** The current path and query, re-rendering on navigation and on Back/Forward. */
export function useLocation(): string {
  return useSyncExternalStore(subscribe, () => location.pathname + location.search);
}

/**
 * Same-origin links navigate without a reload; a modified click (new tab, download) is left to
 * the browser, so links behave as links.
 */
export function followLink(event: MouseEvent): void {
  const link = (event.target as Element | null)?.closest("a");
  if (!link || link.target || link.origin !== location.origin || link.pathname.startsWith("/api/")) return;
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  event.preventDefault();
  navigate(link.pathname + link.search);
}

// The queue as last seen (filters, page), so "back to the queue" returns there.
let queue = "/alerts";

export function rememberQueue(href: string): void {
  queue = href;
}

export function lastQueue(): string {
  return queue;
}
