import type { z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { ALERT_STATUSES } from "../db/schema";
import { isoUtc } from "../db/sql";
import type { StatsQuery, StatsSchema } from "./schemas";
import { alertConditions } from "./store";

type AlertStats = z.output<typeof StatsSchema>;

/** Time buckets of `series`, in UTC, and how long each is. */
export const STATS_BUCKETS = { hour: 3_600_000, day: 86_400_000 } as const;
export type StatsBucket = keyof typeof STATS_BUCKETS;
/** A series this long is already more bars than a screen has pixels for. */
export const MAX_STATS_BUCKETS = 1000;
export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;

/**
 * What `group_by` can count alerts by, in one place: each grouping's key, computed once per alert
 * in the statement's single scan (`a` the alert, `e` the event that opened it, joined only when a
 * requested grouping needs it). A set-valued key (`tag`: an alert counts once in each of its
 * tags) carries its array through the scan and is unnested where groups are counted
 * (groupCounts); an alert without tags counts in no tag group.
 */
export const STATS_GROUPINGS = {
  source_name: { key: sql`e.source_name`, needsEvent: true, setValued: false },
  event_type: { key: sql`e.event_type`, needsEvent: true, setValued: false },
  severity: { key: sql`a.severity::text`, needsEvent: false, setValued: false },
  tag: { key: sql`a.tags`, needsEvent: false, setValued: true },
} satisfies Record<string, { key: SQL; needsEvent: boolean; setValued: boolean }>;
export type StatsGrouping = keyof typeof STATS_GROUPINGS;

/** How many buckets `series` would have; the schema refuses more than MAX_STATS_BUCKETS. */
export function bucketCount(bucket: StatsBucket, after: string, before: string | undefined, now: number): number {
  const size = STATS_BUCKETS[bucket];
  const start = Math.floor(Date.parse(after) / size) * size;
  const end = before === undefined ? now : Date.parse(before);
  return end < start ? 0 : Math.floor((end - start) / size) + 1;
}

const column = (grouping: StatsGrouping) => sql.raw(`g_${grouping}`);

/**
 * Mean seconds from raising to `until` (null when no alert reached it). date_part, not extract:
 * extract's numeric per row is what made a large range slow; the mean is rounded once.
 */
const meanSeconds = (until: "acknowledged_at" | "resolved_at") =>
  sql.raw(`round(avg(date_part('epoch', ${until} - created_at))::numeric, 3)::float8`);

/** The figures over the matching alerts (`m`), as the contract's section 12 has them. */
function totals(): SQL {
  const byStatus = sql.join(
    ALERT_STATUSES.map((s) => sql`${s}::text, count(*) filter (where status = ${s})`),
    sql`, `,
  );
  return sql`select json_build_object(
      'total', count(*),
      'by_status', json_build_object(${byStatus}),
      'by_severity', json_build_object('High', count(*) filter (where severity = 'High'),
                                       'Critical', count(*) filter (where severity = 'Critical')),
      'unassigned_open', count(*) filter (where status = 'Open' and assignee_id is null),
      'mean_seconds_to_acknowledge', ${meanSeconds("acknowledged_at")},
      'mean_seconds_to_resolve', ${meanSeconds("resolved_at")}
    ) from m`;
}

/** Every bucket from the one holding `created_after` to the one holding `created_before` (or now), empty ones too. */
function series(bucket: StatsBucket, query: StatsQuery): SQL {
  // In seconds, so no session time zone can stretch a day.
  const step = `${STATS_BUCKETS[bucket] / 1000} seconds`;
  return sql`select coalesce(json_agg(json_build_object(
      'start', ${isoUtc(sql`b.start`)},
      'total', coalesce(s.total, 0),
      'by_severity', json_build_object('High', coalesce(s.high, 0), 'Critical', coalesce(s.critical, 0)),
      'mean_seconds_to_acknowledge', s.mtta,
      'mean_seconds_to_resolve', s.mttr
    ) order by b.start), '[]')
    from generate_series(date_trunc(${bucket}, ${query.created_after}::timestamptz, 'UTC'),
                         coalesce(${query.created_before ?? null}::timestamptz, now()), ${step}::interval) b(start)
    left join (
      select date_trunc(${bucket}, created_at, 'UTC') as start, count(*) as total,
             count(*) filter (where severity = 'High') as high, count(*) filter (where severity = 'Critical') as critical,
             ${meanSeconds("acknowledged_at")} as mtta, ${meanSeconds("resolved_at")} as mttr
      from m group by 1
    ) s on s.start = b.start`;
}

/** The grouping's key per row of `m`: the column itself, or one row per element of a set. */
const groupKeys = (grouping: StatsGrouping) =>
  STATS_GROUPINGS[grouping].setValued
    ? sql`select t.key from m cross join unnest(m.${column(grouping)}) as t(key)`
    : sql`select ${column(grouping)} as key from m`;

/** The `top` largest groups of each grouping, largest first (ties by key). */
function groupCounts(groupings: StatsGrouping[], top: number): SQL {
  const each = groupings.map(
    (
      g,
    ) => sql`${g}::text, (select coalesce(json_agg(json_build_object('key', key, 'count', n) order by n desc, key), '[]')
      from (select key, count(*) as n from (${groupKeys(g)}) g group by 1 order by 2 desc, 1 limit ${top}) c)`,
  );
  return sql`json_build_object(${sql.join(each, sql`, `)})`;
}

/**
 * The dashboard's figures as ONE statement: one scan of the matching alerts (by the created_at
 * index when a range is given), from which the totals, the time series and the groups are all
 * counted.
 */
export function statsStatement(query: StatsQuery): SQL {
  const groupings = query.group_by ?? [];
  const needsEvent = groupings.some((g) => STATS_GROUPINGS[g].needsEvent);
  const keys = groupings.map((g) => sql`, ${STATS_GROUPINGS[g].key} as ${column(g)}`);
  return sql`
    with m as (
      select a.status, a.severity, a.assignee_id, a.created_at, a.acknowledged_at, a.resolved_at ${sql.join(keys)}
      from alerts a ${needsEvent ? sql`join events e on e.id = a.event_id` : sql``}
      where ${alertConditions({ created_after: query.created_after, created_before: query.created_before })}
    )
    select (${totals()}) as stats,
           ${query.bucket ? sql`(${series(query.bucket, query)})` : sql`null`} as series,
           ${groupings.length ? groupCounts(groupings, query.top ?? DEFAULT_TOP) : sql`null`} as groups`;
}

export async function alertStats(db: Db, query: StatsQuery): Promise<AlertStats> {
  const { rows } = await db.execute<{ stats: AlertStats; series: AlertStats["series"]; groups: AlertStats["groups"] }>(
    statsStatement(query),
  );
  const row = rows[0];
  if (!row) throw new Error("stats returned no row");
  return { ...row.stats, ...(row.series ? { series: row.series } : {}), ...(row.groups ? { groups: row.groups } : {}) };
}
