import { STATS_GROUPINGS } from "../api/types";
import { rangeBounds, rangeFrom, type TimeRange, writeRange } from "../ui/range";

/** How many groups each list shows. */
export const TOP = 10;
/** The API's most buckets in a series. */
const MAX_BUCKETS = 1000;
const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;
export type Bucket = keyof typeof BUCKET_MS;

/**
 * What the dashboard shows, in its URL (`/?range=7d&bucket=day`): a range with a start (the
 * last 24 hours unless said otherwise) and the bucket of its time series.
 */
export type DashboardView = { range: Exclude<TimeRange, { kind: "all" }>; bucket: Bucket };

const DEFAULT_RANGE = { kind: "preset", id: "24h" } as const;

/** Whether hourly buckets fit the range (the API draws at most 1000). */
export function hoursFit(range: DashboardView["range"], now: number): boolean {
  const { created_after, created_before } = rangeBounds(range, now);
  const start = Date.parse(created_after ?? "");
  const end = created_before ? Date.parse(created_before) : now;
  return Number.isNaN(start) || (end - start) / BUCKET_MS.hour < MAX_BUCKETS - 1;
}

/** Hours for a range of up to two days, days beyond. */
export function defaultBucket(range: DashboardView["range"], now: number): Bucket {
  const { created_after, created_before } = rangeBounds(range, now);
  const span = (created_before ? Date.parse(created_before) : now) - Date.parse(created_after ?? "");
  return span <= 2 * BUCKET_MS.day ? "hour" : "day";
}

export function viewFrom(query: URLSearchParams, now: number): DashboardView {
  const parsed = rangeFrom(query, DEFAULT_RANGE);
  const range = parsed.kind === "all" || (parsed.kind === "custom" && !parsed.from) ? DEFAULT_RANGE : parsed;
  const asked = query.get("bucket");
  const bucket: Bucket = asked === "hour" || asked === "day" ? asked : defaultBucket(range, now);
  return { range, bucket: bucket === "hour" && !hoursFit(range, now) ? "day" : bucket };
}

export function dashboardHref(view: DashboardView): string {
  const query = new URLSearchParams();
  writeRange(view.range, query);
  query.set("bucket", view.bucket);
  return `/?${query}`;
}

export function statsRequest(view: DashboardView, now: number): string {
  const query = new URLSearchParams(rangeBounds(view.range, now));
  query.set("bucket", view.bucket);
  query.set("group_by", STATS_GROUPINGS.join(","));
  query.set("top", String(TOP));
  return `/api/alerts/stats/?${query}`;
}

/** The bucket an instant falls in: its UTC hour or day, as the API buckets. */
export function bucketStart(iso: string, bucket: Bucket): string {
  const size = BUCKET_MS[bucket];
  return new Date(Math.floor(Date.parse(iso) / size) * size).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export const bucketMs = (bucket: Bucket) => BUCKET_MS[bucket];
