import { ALERT_SEVERITIES, ALERT_STATUSES, type Alert, type AlertStatus } from "../api/types";

/** Rows per page: a laptop screen's worth. */
export const PAGE_SIZE = 20;

/**
 * The queue's filters live in the console's own URL (`/?status=Open&assignee=me&page=2`), so a
 * filtered queue can be bookmarked, shared and reached with Back.
 * `assignee` is "" (anyone), "me", "none" (unassigned) or a username.
 */
export type QueueFilters = {
  status: AlertStatus | "";
  severity: (typeof ALERT_SEVERITIES)[number] | "";
  assignee: string;
  page: number;
};

const oneOf = <T extends string>(allowed: readonly T[], value: string | null): T | "" =>
  allowed.find((v) => v === value) ?? "";

export function filtersFrom(query: URLSearchParams): QueueFilters {
  const page = Number(query.get("page"));
  return {
    status: oneOf(ALERT_STATUSES, query.get("status")),
    severity: oneOf(ALERT_SEVERITIES, query.get("severity")),
    assignee: (query.get("assignee") ?? "").trim(),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

function params(filters: QueueFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.status) query.set("status", filters.status);
  if (filters.severity) query.set("severity", filters.severity);
  if (filters.assignee) query.set("assignee", filters.assignee);
  if (filters.page > 1) query.set("page", String(filters.page));
  return query;
}

/** The console URL for these filters. */
export function queueHref(filters: QueueFilters): string {
  const query = params(filters).toString();
  return query ? `/?${query}` : "/";
}

/** The API request for these filters (same names: the console speaks the API's language). */
export function alertsRequest(filters: QueueFilters): string {
  const query = params(filters);
  query.set("page_size", String(PAGE_SIZE));
  return `/api/alerts/?${query}`;
}

/** Whether the alert is snoozed now. */
export function isSnoozed(alert: Pick<Alert, "snoozed_until">): boolean {
  return alert.snoozed_until !== null && Date.parse(alert.snoozed_until) > Date.now();
}

/** Whether an alert belongs in the queue as filtered, as the server would decide. */
export function matches(alert: Alert, filters: QueueFilters, username: string): boolean {
  if (filters.status && alert.status !== filters.status) return false;
  // A status queue hides snoozed alerts (the API's default for `snoozed`).
  if (filters.status && isSnoozed(alert)) return false;
  if (filters.severity && alert.severity !== filters.severity) return false;
  switch (filters.assignee) {
    case "":
      return true;
    case "me":
      return alert.assignee === username;
    case "none":
      return alert.assignee === null;
    default:
      return alert.assignee === filters.assignee;
  }
}
