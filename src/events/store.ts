import { type SQL, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import type { PageRequest } from "../http/pagination";
import { ALERTING_SEVERITIES } from "./rules";
import type { EventCreate, EventFilters, EventView } from "./schemas";

/**
 * The API's event representation, built by PostgreSQL as one JSON value per row (no reshaping
 * in the Worker). Expects the event as `e` and its alert, if any, as `a`.
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
  'ingested_by', case when e.ingested_by_type is null then null
    else json_build_object('type', e.ingested_by_type, 'id', e.ingested_by_id, 'name', e.ingested_by_name) end,
  'alert', case when a.id is null then null else json_build_object('id', a.id, 'status', a.status) end
)`;

/**
 * Stores an event and, when its severity calls for one, its Open alert, in ONE statement: both
 * exist or neither does, and the unique index on alerts.event_id rules out a second alert.
 */
export async function ingestEvent(db: Db, input: EventCreate, sender: Principal): Promise<EventView> {
  const { rows } = await db.execute<{ event: EventView }>(sql`
    with e as (
      insert into events (source_name, event_type, severity, description, occurred_at, metadata,
                          ingested_by_type, ingested_by_id, ingested_by_name)
      values (${input.source_name}, ${input.event_type}, ${input.severity}, ${input.description ?? ""},
              coalesce(${input.occurred_at ?? null}::timestamptz, now()), ${JSON.stringify(input.metadata ?? {})}::jsonb,
              ${sender.type}, ${sender.id}, ${sender.name})
      returning *
    ), a as (
      insert into alerts (event_id, severity)
      select id, severity from e where severity = any(${sqlArray(ALERTING_SEVERITIES)}::severity[])
      returning id, status, event_id
    )
    select ${eventJson} as event from e left join a on a.event_id = e.id`);
  const [row] = rows;
  if (!row) throw new Error("ingest returned no row");
  return row.event;
}

export async function findEvent(db: Db, id: number): Promise<EventView | null> {
  const { rows } = await db.execute<{ event: EventView }>(sql`
    select ${eventJson} as event from events e left join alerts a on a.event_id = e.id where e.id = ${id}`);
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
      where ${where} order by e.created_at desc, e.id desc limit ${page.limit} offset ${page.offset}
    ) p
    join events e on e.id = p.id
    left join alerts a on a.event_id = e.id
    order by p.created_at desc, p.id desc`);
  // No rows: an empty list on page 1, or a page past the end (a 404 whatever the count).
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.event) };
}

function eventConditions(f: EventFilters): SQL {
  const conditions: SQL[] = [sql`true`];
  if (f.severity) conditions.push(sql`e.severity = ${f.severity}`);
  if (f.source_name !== undefined) conditions.push(sql`e.source_name = ${f.source_name}`);
  if (f.event_type !== undefined) conditions.push(sql`e.event_type = ${f.event_type}`);
  if (f.created_after) conditions.push(sql`e.created_at >= ${f.created_after}::timestamptz`);
  if (f.created_before) conditions.push(sql`e.created_at <= ${f.created_before}::timestamptz`);
  return sql.join(conditions, sql` and `);
}

/** A text[] literal parameter, for `= any(...)` against a constant list. */
function sqlArray(values: readonly string[]): string {
  return `{${values.join(",")}}`;
}
