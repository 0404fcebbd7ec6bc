import { sql } from "drizzle-orm";
import { type Actor, actorOf, actorValues, noted, recordHistory } from "../alerts/history";
import { lifecycleStamps, TERMINAL_STATUS } from "../alerts/lifecycle";
import type { Principal } from "../auth/principal";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import { ingestOnce } from "../events/idempotency";
import type { IdempotencyClaim, IngestExtension, IngestResult, ItemFailure } from "../events/ingest";
import type { ItemOutcome } from "./receiver";

/**
 * Stores what a receiver's items came to, in the ingest statement (one round trip, atomic, with
 * the Idempotency-Key as any batch): the events, through the one ingest path (grouping,
 * silences, history); the alerts resolved at the source, in the same statement (resolvedAtSource).
 * Null when every item failed: nothing to store, and no key used up.
 */
export async function storeIntake(
  db: Db,
  outcomes: ItemOutcome[],
  sender: Principal,
  idempotency: IdempotencyClaim | null,
): Promise<IngestResult | null> {
  const items = outcomes.flatMap((o) =>
    "event" in o
      ? [{ index: o.index, event: o.event, ...(o.sourceId === undefined ? {} : { sourceId: o.sourceId }) }]
      : [],
  );
  const failures = outcomes.flatMap((o): ItemFailure[] =>
    "errors" in o ? [{ index: o.index, status: 400, errors: o.errors }] : [],
  );
  const resolves = outcomes.flatMap((o) => ("resolve" in o ? [{ index: o.index, key: o.resolve }] : []));
  if (items.length === 0 && resolves.length === 0) return null;
  return ingestOnce(db, {
    mode: "batch",
    items,
    failures,
    sender,
    idempotency,
    extension: resolves.length ? resolvedAtSource(resolves, actorOf(sender)) : undefined,
  });
}

/**
 * The unresolved alert of each dedup key is Resolved by `actor` (the sending key), as a PATCH
 * to Resolved would do it: the lifecycle stamps, a snooze ended, a new version, and its history
 * (the outbox: the stream and webhooks hear of it). Rows are locked in key order, as grouping
 * locks them, so a concurrent notification cannot deadlock with this one. A key with no
 * unresolved alert (resolved already, or never High) changes nothing; its result says so.
 */
function resolvedAtSource(asked: { index: number; key: string }[], actor: Actor): IngestExtension {
  const keys = JSON.stringify(asked.map(({ index, key }) => ({ idx: index, dedup_key: key })));
  const resolved = sql`${TERMINAL_STATUS}::alert_status`;
  return {
    after: (fresh) => sql`, resolve_asked as (
        select * from json_to_recordset(${keys}::json) as r(idx int, dedup_key text)
      ), resolve_locked as (
        select a.id, a.status, a.snoozed_until from alerts a
        -- Written out, not bound, so that alerts_open_dedup_key serves the look-up.
        where a.dedup_key in (select dedup_key from resolve_asked) and a.status <> ${sql.raw(`'${TERMINAL_STATUS}'`)}
          and ${fresh}
        order by a.dedup_key for update
      ), resolved as (
        update alerts a set status = ${resolved}, ${lifecycleStamps(sql`a`, resolved)}, snoozed_until = null,
          updated_at = now(), version = a.version + 1
        from resolve_locked l where a.id = l.id
        returning a.id, a.dedup_key, l.status as was, l.snoozed_until as was_snoozed
      ), resolve_history as (
        ${recordHistory(sql`
          select id, ${actorValues(actor)}, 'status_changed'::history_action, was::text, ${TERMINAL_STATUS}::text,
                 ${noted("Its source reported it resolved.")}
          from resolved
          union all
          select id, ${actorValues(actor)}, 'unsnoozed'::history_action, ${isoUtc(sql`was_snoozed`)}, null,
                 ${noted("Resolved.")}
          from resolved where was_snoozed is not null`)}
      )`,
    results: sql`select k.idx, json_build_object('index', k.idx, 'status', 200, 'alert',
        case when r.id is null then null else json_build_object('id', r.id, 'status', ${TERMINAL_STATUS}::text) end)
      from resolve_asked k left join resolved r on r.dedup_key = k.dedup_key`,
    history: sql`select id from resolve_history`,
  };
}
