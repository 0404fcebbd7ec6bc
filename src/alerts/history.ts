import { type SQL, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import type { ActorType } from "../db/schema";

/**
 * Writing alert history, in one place. Every statement that changes an alert includes
 * `recordHistory(...)` as one of its CTEs, so a change and its record commit together or not at
 * all; a statement that changes nothing yields no rows and so records nothing.
 */
export type Actor = { type: ActorType; id: number | null; name: string };

export const SYSTEM: Actor = { type: "system", id: null, name: "system" };

export function actorOf(principal: Principal): Actor {
  return { type: principal.type, id: principal.id, name: principal.name };
}

/**
 * The actor as placeholders named `<prefix>_type`, `<prefix>_id`, `<prefix>_name`, for statements
 * rendered once and run with per-request values (db/hot.ts).
 */
export function actorPlaceholders(prefix: string) {
  return {
    type: sql.placeholder(`${prefix}_type`),
    id: sql.placeholder(`${prefix}_id`),
    name: sql.placeholder(`${prefix}_name`),
  };
}

/** The values of actorPlaceholders(prefix), for an actor (or none). */
export function actorBindings(prefix: string, actor: Actor | null): Record<string, unknown> {
  return {
    [`${prefix}_type`]: actor?.type ?? null,
    [`${prefix}_id`]: actor?.id ?? null,
    [`${prefix}_name`]: actor?.name ?? null,
  };
}

/** The actor's three history columns, as SQL values. */
export function actorValues(actor: Actor | ReturnType<typeof actorPlaceholders>): SQL {
  return sql`${actor.type}::actor_type, ${actor.id}::int, ${actor.name}::text`;
}

/**
 * The last two history columns: why (in words; for the system's changes) and whether the change
 * is quiet (kept in history but pushed to no one). `noted()` is the usual: no reason, pushed.
 */
export function noted(reason: SQL | string | null = null, quiet: SQL | boolean = false): SQL {
  return sql`${reason}::text, ${quiet}::boolean`;
}

/** The columns of a change, in the order `rows` yields them (see recordHistory). */
const CHANGE = sql`change(alert_id, actor_type, actor_id, actor_name, action, from_value, to_value, reason, quiet)`;

/**
 * `insert into alert_history ...` from `rows`, a query yielding (alert_id, actor_type, actor_id,
 * actor_name, action, from_value, to_value, reason, quiet); returns the new rows' `id, alert_id,
 * action`. Quiet rows, and notes (they change no alert), are not pushed to the stream or webhooks:
 * they are written already published (the rest are the outbox, see src/push/). Events grouped
 * into a snoozed alert are quiet (alerts/snooze.ts).
 */
export function recordHistory(rows: SQL): SQL {
  return sql`insert into alert_history (alert_id, actor_type, actor_id, actor_name, action, from_value, to_value, reason, published_at)
    select alert_id, actor_type, actor_id, actor_name, action, from_value, to_value, reason,
           case when action = 'note_added' or quiet then now() end
    from (${rows}) as ${CHANGE}
    returning id, alert_id, action`;
}

/**
 * For a statement that publishes its own changes (the hot paths: ingest, PATCH and bulk): `rows`
 * (as recordHistory's) named as a CTE body, so that the history and the notices both read it.
 */
export function changes(rows: SQL): SQL {
  return sql`select * from (${rows}) as ${CHANGE}`;
}

/**
 * The history of `change` (a CTE of changes()), written already published: the same statement
 * writes the webhook deliveries of its notices (noticesOf, push/notices.ts), so no outbox row is
 * left for a publisher to claim; a delivery its Worker never enqueued is re-enqueued by the sweep.
 */
export function recordPublishedHistory(change: SQL): SQL {
  return sql`insert into alert_history (alert_id, actor_type, actor_id, actor_name, action, from_value, to_value, reason, published_at)
    select alert_id, actor_type, actor_id, actor_name, action, from_value, to_value, reason, now() from ${change}
    returning id, alert_id, action`;
}

/**
 * One notice per alert that `change` moved in a way people hear of (quiet rows and notes are not):
 * `alert_id` and `type` (`alert.created` when it was created, else `alert.updated`).
 */
export function noticesOf(change: SQL): SQL {
  return sql`select alert_id, case when bool_or(action = 'created') then 'alert.created' else 'alert.updated' end as type
    from ${change} where not quiet and action <> 'note_added' group by alert_id`;
}
