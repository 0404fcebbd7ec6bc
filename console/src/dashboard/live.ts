import type { Alert, GroupCount, Stats, StatsBucket, StatsGrouping } from "../api/types";
import { STATS_GROUPINGS } from "../api/types";
import { inRange } from "../ui/range";
import { type Bucket, bucketMs, bucketStart, type DashboardView, TOP } from "./view";

const emptyBucket = (start: string): StatsBucket => ({
  start,
  total: 0,
  by_severity: { High: 0, Critical: 0 },
  mean_seconds_to_acknowledge: null,
  mean_seconds_to_resolve: null,
});

/** The series with the alert counted in its bucket; buckets that began since are added. */
function countInSeries(series: StatsBucket[], alert: Alert, bucket: Bucket): StatsBucket[] {
  const start = bucketStart(alert.created_at, bucket);
  const next = [...series];
  const last = next.at(-1);
  if (last && Date.parse(start) > Date.parse(last.start)) {
    for (let t = Date.parse(last.start) + bucketMs(bucket); t <= Date.parse(start); t += bucketMs(bucket)) {
      next.push(emptyBucket(bucketStart(new Date(t).toISOString(), bucket)));
    }
  }
  const i = next.findIndex((b) => b.start === start);
  const found = next[i];
  if (!found) return series;
  const severity = alert.severity === "Critical" || alert.severity === "High" ? alert.severity : null;
  next[i] = {
    ...found,
    total: found.total + 1,
    by_severity: severity ? { ...found.by_severity, [severity]: found.by_severity[severity] + 1 } : found.by_severity,
  };
  return next;
}

/** The list with one more for `key`, still largest first (a new key joins while there is room). */
function countInGroup(groups: GroupCount[], key: string): GroupCount[] {
  const known = groups.some((g) => g.key === key);
  if (!known && groups.length >= TOP) return groups;
  const next = known
    ? groups.map((g) => (g.key === key ? { ...g, count: g.count + 1 } : g))
    : [...groups, { key, count: 1 }];
  return next.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The groups an alert counts in, per grouping, as the server groups it: once in each of its tags. */
const GROUP_KEYS: Record<StatsGrouping, (alert: Alert) => string[]> = {
  source_name: (alert) => [alert.event.source_name],
  event_type: (alert) => [alert.event.event_type],
  tag: (alert) => alert.tags,
};

/**
 * The figures with a newly raised alert counted, as the server would count it, so the dashboard
 * moves the moment the stream says so. Changes to existing alerts (status, means) are left to a
 * reload: a frame does not say what the alert was before.
 */
export function countCreated(stats: Stats, alert: Alert, view: DashboardView, now: number): Stats {
  if (!inRange(alert.created_at, view.range, now)) return stats;
  const severity = alert.severity === "Critical" || alert.severity === "High" ? alert.severity : null;
  const groups = stats.groups ?? {};
  return {
    ...stats,
    total: stats.total + 1,
    by_status: { ...stats.by_status, [alert.status]: stats.by_status[alert.status] + 1 },
    by_severity: severity ? { ...stats.by_severity, [severity]: stats.by_severity[severity] + 1 } : stats.by_severity,
    unassigned_open: stats.unassigned_open + (alert.status === "Open" && !alert.assignee ? 1 : 0),
    series: stats.series && countInSeries(stats.series, alert, view.bucket),
    groups: Object.fromEntries(
      STATS_GROUPINGS.map((g) => [g, GROUP_KEYS[g](alert).reduce(countInGroup, groups[g] ?? [])]),
    ) as Stats["groups"],
  };
}
