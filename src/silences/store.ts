import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import type { PageRequest } from "../http/pagination";
import type { CompiledMatcher, Matcher } from "../matchers/language";
import { matchersJson } from "../matchers/sql";
import { announce } from "../webhooks/announce";
import type { SilenceState, SilenceView } from "./schemas";

/**
 * The silences table's door, for its routes. The ingest statement reads the active ones itself
 * (`vigil_evaluate`, drizzle/0009_rules.sql), with the same definition of active as isActive().
 */

/** A silence is active from starts_at (inclusive) to ends_at (exclusive): the one definition. */
function isActive(s: SQL): SQL {
  return sql`(${s}.starts_at <= now() and ${s}.ends_at > now())`;
}

function stateOf(s: SQL): SQL {
  return sql`(case when now() < ${s}.starts_at then 'pending' when ${isActive(s)} then 'active' else 'expired' end)`;
}

const silenceJson = sql`json_build_object(
  'id', s.id,
  'matchers', ${matchersJson(sql`s.matchers`)},
  'starts_at', ${isoUtc(sql`s.starts_at`)},
  'ends_at', ${isoUtc(sql`s.ends_at`)},
  'comment', s.comment,
  'state', ${stateOf(sql`s`)},
  'suppressed_count', (select count(*) from events e where e.silenced_by = s.id)::int,
  'created_by', (select u.username from users u where u.id = s.created_by_id),
  'created_at', ${isoUtc(sql`s.created_at`)},
  'updated_at', ${isoUtc(sql`s.updated_at`)}
)`;

export type NewSilence = {
  matchers: Matcher[];
  compiled: CompiledMatcher[];
  startsAt: string;
  endsAt: string;
  comment: string;
  createdById: number;
};

/** Creates it and, in the same statement, its `silence.created` webhook deliveries (ids returned, for the queue). */
export async function insertSilence(
  db: Db,
  silence: NewSilence,
): Promise<{ silence: SilenceView; deliveryIds: number[] }> {
  const { rows } = await db.execute<{ silence: SilenceView; deliveries: number[] | null }>(sql`
    with s as (
      insert into silences (matchers, compiled, starts_at, ends_at, comment, created_by_id)
      values (${JSON.stringify(silence.matchers)}::jsonb, ${JSON.stringify(silence.compiled)}::jsonb,
              ${silence.startsAt}::timestamptz, ${silence.endsAt}::timestamptz, ${silence.comment}, ${silence.createdById})
      returning *
    ), d as (
      ${announce("silence.created", sql`select json_build_object('silence', ${silenceJson}) from s`)}
    )
    select ${silenceJson} as silence, (select json_agg(id order by id) from d) as deliveries from s`);
  const row = rows[0];
  if (!row) throw new Error("insert returned no row");
  return { silence: row.silence, deliveryIds: (row.deliveries ?? []).map(Number) };
}

export async function findSilence(db: Db, id: number): Promise<SilenceView | null> {
  const { rows } = await db.execute<{ silence: SilenceView }>(
    sql`select ${silenceJson} as silence from silences s where s.id = ${id}`,
  );
  return rows[0]?.silence ?? null;
}

export async function listSilences(
  db: Db,
  state: SilenceState | undefined,
  page: PageRequest,
): Promise<{ count: number; results: SilenceView[] }> {
  const where = state ? sql`${stateOf(sql`s`)} = ${state}` : sql`true`;
  const { rows } = await db.execute<{ total: string; silence: SilenceView }>(sql`
    select (select count(*) from silences s where ${where}) as total, ${silenceJson} as silence
    from (select s.id from silences s where ${where}
          order by s.created_at desc nulls last, s.id desc nulls last limit ${page.limit} offset ${page.offset}) p
    join silences s on s.id = p.id order by s.created_at desc nulls last, s.id desc nulls last`);
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.silence) };
}

/** The window a change is checked against, as stored. */
export type StoredWindow = { startsAt: string; endsAt: string; expired: boolean };

export async function findWindow(db: Db, id: number): Promise<StoredWindow | null> {
  const { rows } = await db.execute<{ starts_at: string; ends_at: string; expired: boolean }>(sql`
    select ${isoUtc(sql`starts_at`)} as starts_at, ${isoUtc(sql`ends_at`)} as ends_at, ends_at <= now() as expired
    from silences where id = ${id}`);
  const row = rows[0];
  return row ? { startsAt: row.starts_at, endsAt: row.ends_at, expired: row.expired } : null;
}

export type SilenceChange = {
  matchers?: { written: Matcher[]; compiled: CompiledMatcher[] };
  startsAt?: string;
  endsAt?: string;
  comment?: string;
};

/**
 * Applies a change checked against `seen`; null when the window moved meanwhile (another change,
 * or it expired), so that no change is ever judged against a window that is no longer there.
 */
export async function updateSilence(
  db: Db,
  id: number,
  seen: StoredWindow,
  change: SilenceChange,
): Promise<SilenceView | null> {
  const set = [
    change.matchers
      ? sql`matchers = ${JSON.stringify(change.matchers.written)}::jsonb, compiled = ${JSON.stringify(change.matchers.compiled)}::jsonb,`
      : sql``,
    change.startsAt ? sql`starts_at = ${change.startsAt}::timestamptz,` : sql``,
    change.endsAt ? sql`ends_at = ${change.endsAt}::timestamptz,` : sql``,
    change.comment !== undefined ? sql`comment = ${change.comment},` : sql``,
  ];
  const { rows } = await db.execute<{ silence: SilenceView }>(sql`
    with s as (
      update silences set ${sql.join(set, sql``)} updated_at = now()
      where id = ${id} and starts_at = ${seen.startsAt}::timestamptz and ends_at = ${seen.endsAt}::timestamptz
        and ends_at > now()
      returning *
    )
    select ${silenceJson} as silence from s`);
  return rows[0]?.silence ?? null;
}

/**
 * Ends it now (a pending one never starts), with its `silence.ended` deliveries in the same
 * statement; an expired one stays as it was. Null: no such silence.
 */
export async function endSilence(db: Db, id: number): Promise<{ deliveryIds: number[] } | null> {
  const { rows } = await db.execute<{ deliveries: number[] | null }>(sql`
    with found as (select id from silences where id = ${id}),
    s as (
      update silences set ends_at = now(), starts_at = least(starts_at, now()), updated_at = now(), end_published = true
      where id = ${id} and ends_at > now()
      returning *
    ), d as (
      ${announce("silence.ended", sql`select json_build_object('silence', ${silenceJson}) from s`)}
    )
    select (select json_agg(id order by id) from d) as deliveries from found`);
  const row = rows[0];
  return row ? { deliveryIds: (row.deliveries ?? []).map(Number) } : null;
}

/** At most this many expiries announced per sweep. */
export const ANNOUNCE_BATCH = 1000;

/**
 * The sweep's part: silences that ran out by themselves get their `silence.ended` deliveries (once:
 * `end_published`), in one statement. Expiry itself needs no job; only its announcement does.
 */
export async function announceExpiredSilences(db: Db): Promise<number[]> {
  const { rows } = await db.execute<{ deliveries: number[] | null }>(sql`
    with due as (
      select id from silences where not end_published and ends_at <= now()
      order by ends_at limit ${ANNOUNCE_BATCH} for update skip locked
    ), s as (
      update silences x set end_published = true from due where x.id = due.id returning x.*
    ), d as (
      ${announce("silence.ended", sql`select json_build_object('silence', ${silenceJson}) from s`)}
    )
    select (select json_agg(id order by id) from d) as deliveries`);
  return (rows[0]?.deliveries ?? []).map(Number);
}
