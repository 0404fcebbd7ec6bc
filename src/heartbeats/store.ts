import { sql } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import type { Db } from "../db/client";
import type { HeartbeatStatus } from "../db/schema";
import { textArray } from "../db/sql";
import type { PageRequest } from "../http/pagination";
import { beatHeartbeat, eventBeats } from "./beats";
import { heartbeatJson, shownStatus } from "./json";
import type { HeartbeatView } from "./schemas";

/** The heartbeats table's door: its routes, its timer and the sweep (beats in ingests: beats.ts). */

export type NewHeartbeat = {
  name: string;
  timeoutSeconds: number;
  tags: string[];
  /** The API key whose beats count; null: the first principal to beat it. */
  keyId: number | null;
  createdById: number | null;
};

export type CreateOutcome =
  | { outcome: "created"; id: number; heartbeat: HeartbeatView }
  | { outcome: "exists" }
  | { outcome: "unknown_key" };

/** Creates it, due a timeout from now (`unknown` until its first beat). */
export async function insertHeartbeat(db: Db, hb: NewHeartbeat): Promise<CreateOutcome> {
  const { rows } = await db.execute<{ id: number | null; heartbeat: HeartbeatView | null; key_ok: boolean }>(sql`
    with k as (
      select id, name from api_keys
      where id = ${hb.keyId}::int and revoked_at is null and 'ingest' = any(scopes)
        and (expires_at is null or expires_at > now())
    ), ins as (
      insert into heartbeats (name, timeout_seconds, tags, owner_type, owner_id, owner_name, due_at, created_by_id)
      select ${hb.name}, ${hb.timeoutSeconds}::int, ${textArray(hb.tags)}::text[],
             case when k.id is null then null else 'key'::principal_type end, k.id, k.name,
             now() + make_interval(secs => ${hb.timeoutSeconds}::int), ${hb.createdById}::int
      from (select 1) one left join k on true
      where ${hb.keyId}::int is null or k.id is not null
      on conflict (name) do nothing
      returning *
    )
    select (select id from ins) as id, (select ${heartbeatJson(sql`ins`)} from ins) as heartbeat,
           (${hb.keyId}::int is null or exists (select 1 from k)) as key_ok`);
  const row = rows[0];
  if (!row?.key_ok) return { outcome: "unknown_key" };
  if (row.id === null || !row.heartbeat) return { outcome: "exists" };
  return { outcome: "created", id: Number(row.id), heartbeat: row.heartbeat };
}

export type BeatOutcome =
  /** First beat: created (and owned) by the sender. */
  | { outcome: "created"; id: number; heartbeat: HeartbeatView }
  /** `recovering`: it was late; recovery.ts brings it back. */
  | { outcome: "beaten"; id: number; heartbeat: HeartbeatView; recovering: boolean }
  /** It exists, and belongs to another principal. */
  | { outcome: "foreign" };

/**
 * `POST /api/heartbeats/{name}/`, in one statement: beats the heartbeat (beats.ts), or creates
 * it on its first beat, owned by the sender, with `timeoutSeconds` and `tags` (which a beat of
 * an existing heartbeat does not change).
 */
export async function beatOnce(
  db: Db,
  name: string,
  sender: Principal,
  firstBeat: { timeoutSeconds: number; tags: string[] },
): Promise<BeatOutcome> {
  const run = () =>
    db.execute<{
      created_id: number | null;
      created: HeartbeatView | null;
      beaten_id: number | null;
      beaten: HeartbeatView | null;
      recovering: boolean;
      existed: boolean;
    }>(sql`
      with existing as (select name from heartbeats where name = ${name}),
      created as (
        insert into heartbeats (name, timeout_seconds, tags, status, owner_type, owner_id, owner_name, last_beat_at, due_at)
        select ${name}, ${firstBeat.timeoutSeconds}::int, ${textArray(firstBeat.tags)}::text[], 'ok',
               ${sender.type}::principal_type, ${sender.id}::int, ${sender.name}::text, now(),
               now() + make_interval(secs => ${firstBeat.timeoutSeconds}::int)
        where not exists (select 1 from existing)
        on conflict (name) do nothing
        returning *
      )${beatHeartbeat(name, sender)}
      select (select id from created) as created_id, (select ${heartbeatJson(sql`c`)} from created c) as created,
             (select id from beat) as beaten_id, (select ${heartbeatJson(sql`b`)} from beat b) as beaten,
             exists (select 1 from beat where status = 'late') as recovering,
             exists (select 1 from existing) as existed`);
  for (let attempt = 0; ; attempt++) {
    const row = (await run()).rows[0];
    if (row?.created && row.created_id !== null) {
      return { outcome: "created", id: Number(row.created_id), heartbeat: row.created };
    }
    if (row?.beaten && row.beaten_id !== null) {
      return { outcome: "beaten", id: Number(row.beaten_id), heartbeat: row.beaten, recovering: row.recovering };
    }
    if (row?.existed) return { outcome: "foreign" };
    // Two first beats at once: the other one created it after this one looked. Now it is there.
    if (attempt > 0) throw new Error("a heartbeat neither found nor created twice");
  }
}

export async function findHeartbeat(db: Db, name: string): Promise<HeartbeatView | null> {
  const { rows } = await db.execute<{ heartbeat: HeartbeatView }>(
    sql`select ${heartbeatJson(sql`h`)} as heartbeat from heartbeats h where h.name = ${name}`,
  );
  return rows[0]?.heartbeat ?? null;
}

/** One page by name, with the total, in one round trip. */
export async function listHeartbeats(
  db: Db,
  status: HeartbeatStatus | undefined,
  page: PageRequest,
): Promise<{ count: number; results: HeartbeatView[] }> {
  const where = status ? sql`${shownStatus(sql`h`)} = ${status}` : sql`true`;
  const { rows } = await db.execute<{ total: string; heartbeat: HeartbeatView }>(sql`
    select (select count(*) from heartbeats h where ${where}) as total, ${heartbeatJson(sql`h`)} as heartbeat
    from (select h.id from heartbeats h where ${where} order by h.name limit ${page.limit} offset ${page.offset}) p
    join heartbeats h on h.id = p.id order by h.name`);
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.heartbeat) };
}

/** Stops watching it (its timer ends at its next alarm); its events and alerts stay. False: none such. */
export async function deleteHeartbeat(db: Db, name: string): Promise<boolean> {
  const { rows } = await db.execute(sql`delete from heartbeats where name = ${name} returning 1`);
  return rows.length > 0;
}

export type Timing = {
  status: HeartbeatStatus;
  dueAt: number;
  timeoutSeconds: number;
  /** Late, and beaten since it went late: it is to recover. */
  back: boolean;
};

/**
 * What its timer needs (null: it was deleted), after catching up on the events that beat it
 * since the last beat recorded (beats.ts): the latest becomes `last_beat_at` (and claims an
 * unowned heartbeat for its sender), moving `due_at`. One statement, one index probe.
 */
export async function catchUp(db: Db, id: number): Promise<Timing | null> {
  const { rows } = await db.execute<{
    status: HeartbeatStatus;
    due_ms: string;
    timeout_seconds: number;
    back: boolean;
  }>(sql`
    with latest as (
      select e.created_at, e.ingested_by_type, e.ingested_by_id, e.ingested_by_name
      from heartbeats h
      cross join lateral (
        select e.* from events e where ${eventBeats(sql`h`, sql`e`)} order by e.created_at desc limit 1
      ) e
      where h.id = ${id}
    ), caught as (
      update heartbeats h set last_beat_at = l.created_at,
        due_at = l.created_at + make_interval(secs => h.timeout_seconds),
        status = case when h.status = 'late' then h.status else 'ok' end,
        owner_type = coalesce(h.owner_type, l.ingested_by_type),
        owner_id = coalesce(h.owner_id, l.ingested_by_id),
        owner_name = coalesce(h.owner_name, l.ingested_by_name)
      from latest l where h.id = ${id}
      returning h.*
    ), now_is as (
      select * from caught union all select * from heartbeats where id = ${id} and not exists (select 1 from caught)
    )
    select status, floor(extract(epoch from due_at) * 1000)::bigint as due_ms, timeout_seconds,
           (status = 'late' and last_beat_at > late_since) as back
    from now_is`);
  const row = rows[0];
  return row
    ? { status: row.status, dueAt: Number(row.due_ms), timeoutSeconds: Number(row.timeout_seconds), back: row.back }
    : null;
}

/** At most this many overdue heartbeats repaired per sweep. */
export const REPAIR_BATCH = 100;

/**
 * Heartbeats past due by more than `graceSeconds` yet not late: their timer was lost (a Worker
 * died between creating one and starting its timer). Oldest deadline first, index-backed.
 */
export async function overdueHeartbeats(db: Db, graceSeconds: number): Promise<number[]> {
  const { rows } = await db.execute<{ id: number }>(sql`
    select id from heartbeats where status <> 'late' and due_at < now() - make_interval(secs => ${graceSeconds})
    order by due_at limit ${REPAIR_BATCH}`);
  return rows.map((r) => Number(r.id));
}
