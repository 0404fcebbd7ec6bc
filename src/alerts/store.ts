import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import { eventJson } from "../events/store";
import { type CursorRequest, keyset, type Positioned, positionColumns } from "../http/cursor";
import type { PageRequest } from "../http/pagination";
import { hasTags } from "../tags/sql";
import type { AlertFilters, AlertView } from "./schemas";
import { searchCondition } from "./search";
import { snoozedCondition } from "./snooze";

/**
 * The API's alert representation, built in one place: the alert as `a`, the event that opened it
 * as `e`. `version` is not shown but travels beside it as the ETag.
 */
export const alertJson = sql`json_build_object(
  'id', a.id,
  'status', a.status,
  'severity', a.severity,
  'event', ${eventJson},
  'dedup_key', a.dedup_key,
  'event_count', a.event_count,
  'last_event_at', ${isoUtc(sql`a.last_event_at`)},
  'assignee', (select u.username from users u where u.id = a.assignee_id),
  'created_at', ${isoUtc(sql`a.created_at`)},
  'updated_at', ${isoUtc(sql`a.updated_at`)},
  'acknowledged_at', ${isoUtc(sql`a.acknowledged_at`)},
  'resolved_at', ${isoUtc(sql`a.resolved_at`)},
  'snoozed_until', ${isoUtc(sql`a.snoozed_until`)},
  'tags', a.tags,
  'opened_by_rule', a.opened_by_rule
)`;

/** The alert as the API shows it, and its version (the ETag); null when there is no such alert. */
export async function findAlert(db: Db, id: number): Promise<{ alert: AlertView; version: number } | null> {
  const { rows } = await db.execute<{ alert: AlertView; version: number }>(sql`
    select ${alertJson} as alert, a.version from alerts a join events e on e.id = a.event_id where a.id = ${id}`);
  const row = rows[0];
  return row ? { alert: row.alert, version: Number(row.version) } : null;
}

/** The list filters, with `assignee` already resolved: a username, or "none" for unassigned. */
export type AlertQuery = Omit<AlertFilters, "page" | "page_size" | "cursor">;

/** One page by number, newest first, and the total count, in one round trip. */
export async function listAlerts(
  db: Db,
  filters: AlertQuery,
  page: PageRequest,
): Promise<{ count: number; results: AlertView[] }> {
  const where = alertConditions(filters);
  // Count and page as two subqueries of one statement (see listEvents for why not a window count).
  const { rows } = await db.execute<{ total: string; alert: AlertView }>(sql`
    select (select count(*) from alerts a where ${where}) as total, ${alertJson} as alert
    from (
      select a.id, a.created_at from alerts a
      where ${where} order by a.created_at desc nulls last, a.id desc nulls last limit ${page.limit} offset ${page.offset}
    ) p
    join alerts a on a.id = p.id
    join events e on e.id = a.event_id
    order by p.created_at desc nulls last, p.id desc nulls last`);
  // No rows: an empty list on page 1, or a page past the end (a 404 whatever the count).
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.alert) };
}

/** One cursor page (see http/cursor.ts): no count, the keyset on the newest-first indexes. */
export async function listAlertsByCursor(
  db: Db,
  filters: AlertQuery,
  req: CursorRequest,
): Promise<Positioned<AlertView>[]> {
  const page = keyset("a", req);
  const { rows } = await db.execute<Positioned<AlertView>>(sql`
    select ${alertJson} as item, ${positionColumns("a")}
    from (
      select a.id from alerts a where ${alertConditions(filters)} and ${page.where} order by ${page.order} limit ${page.limit}
    ) p
    join alerts a on a.id = p.id
    join events e on e.id = a.event_id
    order by ${page.order}`);
  return rows;
}

/**
 * The list's filters as a condition on `alerts a`, in one place (stats takes its date range from
 * here too). A new filter is a field of AlertFiltersSchema and a line here.
 */
export function alertConditions(f: AlertQuery): SQL {
  const conditions: SQL[] = [sql`true`];
  const severities = f.severity ?? (f.event__severity ? [f.event__severity] : undefined);
  if (f.status) conditions.push(sql`a.status = ${f.status}`);
  // One severity stays a plain equality: the (status, severity, created_at) index then yields the
  // newest-first order by itself.
  if (severities?.length === 1) conditions.push(sql`a.severity = ${severities[0]}`);
  else if (severities) conditions.push(sql`a.severity = any(${`{${severities.join(",")}}`}::severity[])`);
  if (f.q !== undefined) conditions.push(searchCondition(f.q));
  if (f.created_after) conditions.push(sql`a.created_at >= ${f.created_after}::timestamptz`);
  if (f.created_before) conditions.push(sql`a.created_at <= ${f.created_before}::timestamptz`);
  if (f.dedup_key !== undefined) conditions.push(sql`a.dedup_key = ${f.dedup_key}`);
  if (f.tag) conditions.push(hasTags(sql`a.tags`, f.tag));
  if (f.assignee === "none") conditions.push(sql`a.assignee_id is null`);
  else if (f.assignee !== undefined) {
    conditions.push(sql`a.assignee_id = (select id from users where username = ${f.assignee})`);
  }
  const snoozed = snoozedCondition(f.snoozed, f.status !== undefined);
  if (snoozed) conditions.push(snoozed);
  return sql.join(conditions, sql` and `);
}
