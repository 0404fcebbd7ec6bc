import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import { type CursorRequest, keyset, type Positioned, positionColumns } from "../http/cursor";
import type { PageRequest } from "../http/pagination";
import { hasTags } from "../tags/sql";
import type { EventFilters, EventView } from "./schemas";

/**
 * The API's event representation, built by PostgreSQL as one JSON value per row (no reshaping
 * in the Worker). Expects the event as `e` and the alert it raised or joined, if any, as `a`.
 */
export const eventJson = sql`json_build_object(
  'id', e.id,
  'source_name', e.source_name,
  'event_type', e.event_type,
  'severity', e.severity,
  'description', e.description,
  'occurred_at', ${isoUtc(sql`e.occurred_at`)},
  'metadata', e.metadata,
  'created_at', ${isoUtc(sql`e.created_at`)},
  'dedup_key', e.dedup_key,
  'ingested_by', case when e.ingested_by_type is null then null
    else json_build_object('type', e.ingested_by_type, 'id', e.ingested_by_id, 'name', e.ingested_by_name) end,
  'alert', case when a.id is null then null else json_build_object('id', a.id, 'status', a.status) end,
  'silenced_by', e.silenced_by,
  'tags', e.tags,
  'rules_applied', e.rules_applied,
  'suppressed_by_rule', e.suppressed_by_rule
)`;

export async function findEvent(db: Db, id: number): Promise<EventView | null> {
  const { rows } = await db.execute<{ event: EventView }>(sql`
    select ${eventJson} as event from events e left join alerts a on a.id = e.alert_id where e.id = ${id}`);
  return rows[0]?.event ?? null;
}

/** One page, newest first, and the total count, in one round trip. */
export async function listEvents(
  db: Db,
  filters: EventFilters,
  page: PageRequest,
): Promise<{ count: number; results: EventView[] }> {
  const where = eventConditions(filters);
  // The count and the page are two subqueries of one statement: the count can run as an
  // index-only scan and the page stops after `limit` rows of the newest-first index, where a
  // window count over the page query would have to visit every matching row.
  const { rows } = await db.execute<{ total: string; event: EventView }>(sql`
    select (select count(*) from events e where ${where}) as total, ${eventJson} as event
    from (
      select e.id, e.created_at from events e
      where ${where} order by e.created_at desc nulls last, e.id desc nulls last limit ${page.limit} offset ${page.offset}
    ) p
    join events e on e.id = p.id
    left join alerts a on a.id = e.alert_id
    order by p.created_at desc nulls last, p.id desc nulls last`);
  // No rows: an empty list on page 1, or a page past the end (a 404 whatever the count).
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.event) };
}

/** One cursor page (see http/cursor.ts): no count, the keyset on the newest-first indexes. */
export async function listEventsByCursor(
  db: Db,
  filters: EventFilters,
  req: CursorRequest,
): Promise<Positioned<EventView>[]> {
  const page = keyset("e", req);
  const { rows } = await db.execute<Positioned<EventView>>(sql`
    select ${eventJson} as item, ${positionColumns("e")}
    from (
      select e.id from events e where ${eventConditions(filters)} and ${page.where} order by ${page.order} limit ${page.limit}
    ) p
    join events e on e.id = p.id
    left join alerts a on a.id = e.alert_id
    order by ${page.order}`);
  return rows;
}

function eventConditions(f: EventFilters): SQL {
  const conditions: SQL[] = [sql`true`];
  if (f.severity) conditions.push(sql`e.severity = ${f.severity}`);
  if (f.source_name !== undefined) conditions.push(sql`e.source_name = ${f.source_name}`);
  if (f.event_type !== undefined) conditions.push(sql`e.event_type = ${f.event_type}`);
  if (f.created_after) conditions.push(sql`e.created_at >= ${f.created_after}::timestamptz`);
  if (f.created_before) conditions.push(sql`e.created_at <= ${f.created_before}::timestamptz`);
  if (f.silenced) conditions.push(f.silenced === "true" ? sql`e.silenced_by is not null` : sql`e.silenced_by is null`);
  if (f.suppressed) {
    conditions.push(
      f.suppressed === "true" ? sql`e.suppressed_by_rule is not null` : sql`e.suppressed_by_rule is null`,
    );
  }
  if (f.tag) conditions.push(hasTags(sql`e.tags`, f.tag));
  return sql.join(conditions, sql` and `);
}
