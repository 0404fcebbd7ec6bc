import { useSyncExternalStore } from "hono/jsx/dom";

/** The console's pages: the queue at `/` (filters in the query), `/alerts/{id}`, silences, heartbeats. */
export type Route =
  | { page: "queue"; query: URLSearchParams }
  | { page: "alert"; id: number }
  | { page: "silences"; query: URLSearchParams }
  | { page: "heartbeats"; query: URLSearchParams }
  | { page: "missing" };

const CHANGE = "vigil:navigate";

export function routeOf(pathname: string, search: string): Route {
  if (pathname === "/" || pathname === "") return { page: "queue", query: new URLSearchParams(search) };
  const alert = /^\/alerts\/([1-9][0-9]{0,15})\/?$/.exec(pathname);
  if (alert?.[1]) return { page: "alert", id: Number(alert[1]) };
  if (/^\/silences\/?$/.test(pathname)) return { page: "silences", query: new URLSearchParams(search) };
  if (/^\/heartbeats\/?$/.test(pathname)) return { page: "heartbeats", query: new URLSearchParams(search) };
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
let queue = "/";

export function rememberQueue(href: string): void {
  queue = href;
}

export function lastQueue(): string {
  return queue;
}
