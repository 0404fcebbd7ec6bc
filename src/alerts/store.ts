import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { AlertStatus } from "../db/schema";
import { isoUtc } from "../db/sql";
import { eventJson } from "../events/store";
import type { PageRequest } from "../http/pagination";
import { TERMINAL_STATUS, transition } from "./lifecycle";
import type { AlertFilters, AlertView } from "./schemas";

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
  'resolved_at', ${isoUtc(sql`a.resolved_at`)}
)`;

export async function findAlert(db: Db, id: number): Promise<AlertView | null> {
  const { rows } = await db.execute<{ alert: AlertView }>(sql`
    select ${alertJson} as alert from alerts a join events e on e.id = a.event_id where a.id = ${id}`);
  return rows[0]?.alert ?? null;
}

/** One page, newest first, and the total count, in one round trip. */
export async function listAlerts(
  db: Db,
  filters: AlertFilters,
  page: PageRequest,
): Promise<{ count: number; results: AlertView[] }> {
  const where = alertConditions(filters);
  // Count and page as two subqueries of one statement (see listEvents for why not a window count).
  const { rows } = await db.execute<{ total: string; alert: AlertView }>(sql`
    select (select count(*) from alerts a where ${where}) as total, ${alertJson} as alert
    from (
      select a.id, a.created_at from alerts a
      where ${where} order by a.created_at desc, a.id desc limit ${page.limit} offset ${page.offset}
    ) p
    join alerts a on a.id = p.id
    join events e on e.id = a.event_id
    order by p.created_at desc, p.id desc`);
  // No rows: an empty list on page 1, or a page past the end (a 404 whatever the count).
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.alert) };
}

function alertConditions(f: AlertFilters): SQL {
  const conditions: SQL[] = [sql`true`];
  const severity = f.event__severity ?? f.severity;
  if (f.status) conditions.push(sql`a.status = ${f.status}`);
  if (severity) conditions.push(sql`a.severity = ${severity}`);
  if (f.created_after) conditions.push(sql`a.created_at >= ${f.created_after}::timestamptz`);
  if (f.created_before) conditions.push(sql`a.created_at <= ${f.created_before}::timestamptz`);
  if (f.dedup_key !== undefined) conditions.push(sql`a.dedup_key = ${f.dedup_key}`);
  return sql.join(conditions, sql` and `);
}

export type StatusChange =
  | { outcome: "changed" | "unchanged"; alert: AlertView }
  | { outcome: "terminal"; alert: AlertView }
  | { outcome: "missing" };

/**
 * Moves an alert to `status` in one conditional UPDATE whose WHERE clause holds the lifecycle
 * rule, so a resolved alert stays resolved whatever runs concurrently (PostgreSQL re-checks the
 * condition on the latest row version). The same statement returns the alert as it now is,
 * which tells a no-op, a refusal and a missing alert apart without a second query.
 */
export async function changeAlertStatus(db: Db, id: number, status: AlertStatus): Promise<StatusChange> {
  // A second attempt is needed only when another request changed the alert between this
  // statement's snapshot and its update; its fresh snapshot then explains the outcome.
  for (let attempt = 0; attempt < 2; attempt++) {
    const { rows } = await db.execute<{ changed: boolean; alert: AlertView }>(sql`
      with updated as (
        update alerts set
          status = ${status},
          updated_at = now(),
          acknowledged_at = case when ${status} <> 'Open' then coalesce(acknowledged_at, now()) else acknowledged_at end,
          resolved_at = case when ${status} = ${TERMINAL_STATUS} then now() end
        where id = ${id} and status <> ${status} and status <> ${TERMINAL_STATUS}
        returning *
      ), a as (
        select * from updated
        union all
        select * from alerts where id = ${id} and not exists (select 1 from updated)
      )
      select exists (select 1 from updated) as changed, ${alertJson} as alert
      from a join events e on e.id = a.event_id`);
    const [row] = rows;
    if (!row) return { outcome: "missing" };
    if (row.changed) return { outcome: "changed", alert: row.alert };
    const verdict = transition(row.alert.status, status);
    if (verdict === "unchanged") return { outcome: "unchanged", alert: row.alert };
    if (verdict === "terminal") return { outcome: "terminal", alert: row.alert };
  }
  throw new Error(`alert ${id} kept changing under concurrent updates`);
}
