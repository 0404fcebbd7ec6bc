import type { Alert, StreamMessage } from "../api/types";
import { matches, PAGE_SIZE, type QueueFilters } from "./filters";

/** One page of the queue as shown: newest first, `count` from the server (adjusted live). */
export type QueuePage = { alerts: Alert[]; count: number };

/** Newest first, as the API orders: by creation time, then id. */
function newerFirst(a: Alert, b: Alert): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return b.id - a.id;
}

/**
 * Applies a stream frame to the page on screen, so it stays what reloading would show: a change
 * that makes an alert leave the filters removes it; an alert that (newly) fits is inserted where
 * it sorts, if that place is on this page. Rows in `pinned` (showing a bulk action's outcome)
 * are updated in place but never removed, so the outcome stays readable until the next load.
 */
export function applyToPage(
  page: QueuePage,
  message: StreamMessage,
  filters: QueueFilters,
  username: string,
  pinned: ReadonlySet<number> = new Set(),
): QueuePage {
  const { alert } = message;
  const index = page.alerts.findIndex((a) => a.id === alert.id);
  const fits = matches(alert, filters, username, index >= 0);
  if (index >= 0) {
    if (fits || pinned.has(alert.id)) {
      return { ...page, alerts: page.alerts.map((a) => (a.id === alert.id ? alert : a)) };
    }
    return { alerts: page.alerts.filter((a) => a.id !== alert.id), count: Math.max(0, page.count - 1) };
  }
  if (!fits) return page;
  const created = message.type === "alert.created";
  const position = page.alerts.findIndex((a) => newerFirst(alert, a) < 0);
  const at = position < 0 ? page.alerts.length : position;
  // Before the first row of a later page means an earlier page; past the last row of a full
  // page means a later one.
  const onThisPage = (filters.page === 1 || at > 0) && (at < page.alerts.length || page.alerts.length < PAGE_SIZE);
  if (!onThisPage) return created ? { ...page, count: page.count + 1 } : page;
  const alerts = [...page.alerts.slice(0, at), alert, ...page.alerts.slice(at)].slice(0, PAGE_SIZE);
  return { alerts, count: page.count + 1 };
}
