import { type SQL, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal";

/**
 * What a beat is, in one place. A sensor beats its heartbeat by `POST /api/heartbeats/{name}/`
 * or by any event its owner ingests with `source_name` = the name. Events are not written to the
 * heartbeat by the ingest statement (every ingest would pay for it, and most sources are no
 * heartbeat): they are read where it matters, when the heartbeat's deadline comes (its timer),
 * and when it is shown (json.ts), through the index on (source_name, created_at).
 */

/** SQL: heartbeat `h` counts beats from `sender`: its owner, or it has none yet (the first beat claims it). */
export function beatenBy(h: SQL, sender: Principal): SQL {
  return sql`(${h}.owner_id is null or (${h}.owner_type = ${sender.type}::principal_type and ${h}.owner_id = ${sender.id}::int))`;
}

/**
 * SQL: event `e` beats heartbeat `h`: its source is the heartbeat's name, a principal sent it
 * (the system's own `heartbeat_missed` events never do) and that principal is the owner, or
 * there is none yet; and it came after the last beat recorded (so the index scan stays short).
 */
export function eventBeats(h: SQL, e: SQL): SQL {
  return sql`(${e}.source_name = ${h}.name and ${e}.ingested_by_type is not null
    and (${h}.owner_id is null or (${e}.ingested_by_type = ${h}.owner_type and ${e}.ingested_by_id = ${h}.owner_id))
    and ${e}.created_at > coalesce(${h}.last_beat_at, ${h}.created_at))`;
}

/** SQL: when heartbeat `h` was last beaten, events included (null: never). */
export function lastBeat(h: SQL): SQL {
  return sql`greatest(${h}.last_beat_at, (select max(e.created_at) from events e where ${eventBeats(h, sql`e`)}))`;
}

/**
 * An explicit beat of heartbeat `name` by `sender`, as a CTE (preceded by a comma) named `beat`:
 * `last_beat_at` now, due again a timeout from now, `ok` (unless it was late: coming back is
 * recovery.ts's, which resolves its alert), owned by the sender if it was not yet.
 */
export function beatHeartbeat(name: string, sender: Principal): SQL {
  return sql`, beat as (
      update heartbeats h set last_beat_at = now(), due_at = now() + make_interval(secs => h.timeout_seconds),
        status = case when h.status = 'late' then h.status else 'ok' end,
        owner_type = coalesce(h.owner_type, ${sender.type}::principal_type),
        owner_id = coalesce(h.owner_id, ${sender.id}::int),
        owner_name = coalesce(h.owner_name, ${sender.name}::text)
      where h.name = ${name} and ${beatenBy(sql`h`, sender)}
      returning h.*
    )`;
}
