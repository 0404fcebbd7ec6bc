import { ALERT_SEVERITIES, ALERT_STATUSES, type Alert, type AlertStatus } from "../api/types";
import { inRange, rangeBounds, rangeFrom, type TimeRange, writeRange } from "../ui/range";

/** Rows per page: a laptop screen's worth. */
export const PAGE_SIZE = 20;

type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * The queue's filters, in one place: they live in the console's own URL
 * (`/alerts?q=ssh&status=Open&severity=Critical,High&assignee=me&tag=pci&range=24h&page=2`), so
 * a view can be bookmarked, shared and reached with Back, and they name the API's parameters.
 * `assignee` is "" (anyone), "me", "none" (unassigned) or a username; `severities` empty is any;
 * `tags` must all be on an alert (`tag` repeated, as the API takes it).
 * A new filter is a field here, a line in each of the functions below, and a control in
 * QueueFilters.tsx.
 */
export type QueueFilters = {
  q: string;
  status: AlertStatus | "";
  severities: AlertSeverity[];
  assignee: string;
  tags: string[];
  range: TimeRange;
  page: number;
};

/** The API's tag rule and its most tags in a filter: others are dropped rather than sent for a 400. */
const TAG = /^[a-z0-9:_.-]{1,64}$/;
const MAX_TAG_FILTERS = 10;

/** The words typed (`PCI, env:prod`), lower case, once each. */
const typedTags = (values: string[]) => [
  ...new Set(values.flatMap((v) => v.toLowerCase().split(/[\s,]+/)).filter(Boolean)),
];
const isTag = (t: string) => TAG.test(t);

/** Tags as typed or linked (`PCI, env:prod`): lower case, valid, once each, at most ten. */
export function tagsFrom(values: string[]): string[] {
  return typedTags(values).filter(isTag).slice(0, MAX_TAG_FILTERS);
}

/** What tagsFrom() leaves out of what was typed, for the filter to say so: not tags, and beyond ten. */
export function tagsLeftOut(values: string[]): { invalid: string[]; beyond: string[] } {
  const typed = typedTags(values);
  return { invalid: typed.filter((t) => !isTag(t)), beyond: typed.filter(isTag).slice(MAX_TAG_FILTERS) };
}

const oneOf = <T extends string>(allowed: readonly T[], value: string | null): T | "" =>
  allowed.find((v) => v === value) ?? "";

export function filtersFrom(query: URLSearchParams): QueueFilters {
  const page = Number(query.get("page"));
  const severities = (query.get("severity") ?? "").split(",");
  return {
    q: (query.get("q") ?? "").trim(),
    status: oneOf(ALERT_STATUSES, query.get("status")),
    severities: ALERT_SEVERITIES.filter((s) => severities.includes(s)),
    assignee: (query.get("assignee") ?? "").trim(),
    tags: tagsFrom(query.getAll("tag")),
    range: rangeFrom(query, { kind: "all" }),
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** Whether `q` is something the API searches for: a word of 3 characters or more. */
export const searchable = (q: string) => /\S{3}/u.test(q);

function params(filters: QueueFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.q) query.set("q", filters.q);
  if (filters.status) query.set("status", filters.status);
  if (filters.severities.length) query.set("severity", filters.severities.join(","));
  if (filters.assignee) query.set("assignee", filters.assignee);
  for (const tag of filters.tags) query.append("tag", tag);
  writeRange(filters.range, query);
  if (filters.page > 1) query.set("page", String(filters.page));
  return query;
}

/** The console URL for these filters. */
export function queueHref(filters: QueueFilters): string {
  const query = params(filters).toString();
  return query ? `/alerts?${query}` : "/alerts";
}

/** The API request for these filters, at `now` (a relative range ends then). */
export function alertsRequest(filters: QueueFilters, now = Date.now()): string {
  const query = params(filters);
  query.delete("range");
  query.delete("from");
  query.delete("to");
  if (!searchable(filters.q)) query.delete("q");
  for (const [name, value] of Object.entries(rangeBounds(filters.range, now))) query.set(name, value);
  query.set("page_size", String(PAGE_SIZE));
  return `/api/alerts/?${query}`;
}

/** Whether the alert is snoozed now. */
export function isSnoozed(alert: Pick<Alert, "snoozed_until">): boolean {
  return alert.snoozed_until !== null && Date.parse(alert.snoozed_until) > Date.now();
}

/**
 * Whether the alert's opening event holds every word of `q`, as the API searches (it also reads
 * the events grouped into the alert, which a stream frame does not carry).
 */
export function matchesText(alert: Alert, q: string): boolean {
  if (!searchable(q)) return true;
  const { source_name, event_type, description } = alert.event;
  const haystack = `${source_name} ${event_type} ${description}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((word) => haystack.includes(word));
}

/**
 * Whether an alert belongs in the queue as filtered, as the server would decide. `shown`: it is
 * on screen already, so it matched `q` (an alert's events only ever grow).
 */
export function matches(alert: Alert, filters: QueueFilters, username: string, shown = false): boolean {
  if (!shown && !matchesText(alert, filters.q)) return false;
  if (filters.status && alert.status !== filters.status) return false;
  // A status queue hides snoozed alerts (the API's default for `snoozed`).
  if (filters.status && isSnoozed(alert)) return false;
  if (filters.severities.length && !filters.severities.some((s) => s === alert.severity)) return false;
  if (!filters.tags.every((t) => alert.tags.includes(t))) return false;
  if (!inRange(alert.created_at, filters.range, Date.now())) return false;
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
