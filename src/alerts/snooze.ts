import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { isoUtc } from "../db/sql";
import { timestamp } from "../http/timestamp";
import { actorValues, noted, recordHistory, SYSTEM } from "./history";

/**
 * Snooze, in one place. An alert snoozed until a time in the future is hidden from the queues
 * (status-filtered lists, unless `snoozed` is asked) and the events grouped into it meanwhile are
 * recorded but pushed to no one (quiet history rows). It wakes when an analyst clears it, when it
 * is resolved, when a grouped event raises its severity (grouping.ts), or when the time passes
 * (the sweep below, which records and pushes the wake-up).
 */
export const MAX_SNOOZE_DAYS = 7;

/** `snoozed_until` as a request may give it: in the future, at most MAX_SNOOZE_DAYS ahead. */
export function snoozeTimestamp() {
  return timestamp({ about: "Until when", future: true, maxAheadMs: MAX_SNOOZE_DAYS * 86_400_000 });
}

/** SQL: the alert `a` is snoozed now. */
export function isSnoozed(a: SQL): SQL {
  return sql`(${a}.snoozed_until is not null and ${a}.snoozed_until > now())`;
}

/** The list filter `snoozed` (true, false, any), with its default: hidden from status queues. */
export function snoozedCondition(snoozed: "true" | "false" | "any" | undefined, byStatus: boolean): SQL | null {
  const wanted = snoozed ?? (byStatus ? "false" : "any");
  if (wanted === "any") return null;
  return wanted === "true" ? isSnoozed(sql`a`) : sql`not ${isSnoozed(sql`a`)}`;
}

/** At most this many alerts woken per sweep (index-backed): the rest a minute later. */
export const WAKE_BATCH = 1000;

/**
 * Wakes alerts whose snooze ran out, in ONE statement: `snoozed_until` cleared, the version
 * bumped, an `unsnoozed` history row by `system` (pushed, so open consoles see the alert come
 * back). Alerts a PATCH or an ingest holds right now are left to the next sweep (`skip locked`).
 * Returns the history ids, for the publisher.
 */
export async function wakeSnoozed(db: Db): Promise<number[]> {
  const { rows } = await db.execute<{ history: number[] | null }>(sql`
    with due as (
      select id, snoozed_until from alerts
      where snoozed_until is not null and snoozed_until <= now()
      order by snoozed_until limit ${WAKE_BATCH}
      for update skip locked
    ), woken as (
      update alerts a set snoozed_until = null, updated_at = now(), version = a.version + 1
      from due d where a.id = d.id
      returning a.id
    ), history as (
      ${recordHistory(sql`
        select d.id, ${actorValues(SYSTEM)}, 'unsnoozed'::history_action, ${isoUtc(sql`d.snoozed_until`)}, null,
               ${noted("The snooze ran out.")}
        from due d join woken w on w.id = d.id`)}
    )
    select (select json_agg(id order by id) from history) as history`);
  return rows[0]?.history ?? [];
}
