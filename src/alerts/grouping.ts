import { type SQL, sql } from "drizzle-orm";
import { MAX_STORED_TAGS } from "../events/rules";
import { isSnoozed } from "./snooze";

/**
 * The grouping rule (contract section 11), in one place: an alerting event with a `dedup_key`
 * joins the unresolved alert that has that key, else opens one. `rows` yields (event_id, severity,
 * dedup_key, n, tags, rule): one row per new alert or per key, `n` being how many events it
 * brings, `tags` their tags, `rule` the rule that decided it alerts (`opened_by_rule`). The
 * partial unique index `alerts_open_dedup_key` makes concurrent ingests with one new key meet:
 * one inserts, the others wait for it and then join (so N concurrent events give one alert with
 * event_count N). Joining raises event_count, moves last_event_at, lets severity rise (never
 * fall), adds the events' tags (at most MAX_STORED_TAGS, sorted) and bumps the version (the ETag);
 * the status stays. Events without a key never conflict
 * (NULLs are distinct) and open their own alert, as before grouping existed.
 *
 * A join that raises the severity of a snoozed alert wakes it (alerts/snooze.ts).
 *
 * Returns the alerts as they now are (every column), `opened` (newly inserted rather than joined), `snoozed` (still snoozed: what was grouped is quiet) and
 * `woken_from` (the snooze this join ended). Rows are taken in key order, so two batches sharing
 * keys lock them in the same order and cannot deadlock. (`old` in RETURNING: PostgreSQL 18.)
 */
export function openOrJoinAlerts(rows: SQL): SQL {
  return sql`insert into alerts as al (event_id, severity, dedup_key, event_count, tags, opened_by_rule)
    select event_id, severity, dedup_key, n, tags[1:${MAX_STORED_TAGS}], rule
    from (${rows}) as grouped(event_id, severity, dedup_key, n, tags, rule)
    order by dedup_key nulls last, event_id
    on conflict (dedup_key) where status <> 'Resolved' do update set
      event_count = al.event_count + excluded.event_count,
      severity = greatest(al.severity, excluded.severity),
      tags = case when excluded.tags <@ al.tags then al.tags
                  else (select (array_agg(distinct t order by t))[1:${MAX_STORED_TAGS}] from unnest(al.tags || excluded.tags) t) end,
      snoozed_until = case when excluded.severity > al.severity and ${isSnoozed(sql`al`)} then null
                           else al.snoozed_until end,
      last_event_at = now(),
      updated_at = now(),
      version = al.version + 1
    returning al.*, (al.xmax = 0) as opened, ${isSnoozed(sql`al`)} as snoozed,
              case when old.snoozed_until is not null and al.snoozed_until is null then old.snoozed_until end as woken_from`;
}

/**
 * For silenced events (silences/): `keys` yields (dedup_key, n) for keys whose events are all
 * silenced. Each joins its unresolved alert, if there is one (one probe of alerts_open_dedup_key
 * per key): event_count and last_event_at move (the version too: the alert did change), severity
 * and status do not, and no alert is opened. The keys are walked in order, so rows are locked in
 * key order as in openOrJoinAlerts. A plain join, not a locking subquery: this statement is
 * planned on every ingest, and planning time is most of its cost. Returns `id, dedup_key, status`.
 */
export function joinQuietly(keys: SQL): SQL {
  return sql`update alerts as al set
      event_count = al.event_count + q.n,
      last_event_at = now(),
      updated_at = now(),
      version = al.version + 1
    from (${keys} order by 1) as q(dedup_key, n)
    where al.dedup_key = q.dedup_key and al.status <> 'Resolved'
    returning al.id, al.dedup_key, al.status`;
}
