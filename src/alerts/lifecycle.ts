import { type SQL, sql } from "drizzle-orm";
import type { AlertStatus } from "../db/schema";

/**
 * The alert lifecycle, in one place. Any status that is not Resolved may move to any other;
 * Resolved is terminal. Asking for the status an alert already has changes nothing.
 * Every statement that changes a status (PATCH, bulk) applies this rule to the row it has
 * locked, so concurrent requests can never reopen a resolved alert.
 */
export const TERMINAL_STATUS: AlertStatus = "Resolved";

/** Why a change to `requested` (or, with no status asked, a snooze) was refused (409, per alert in a bulk change). */
export function terminalDetail(requested: AlertStatus | undefined): string {
  const refused = requested === undefined ? "be snoozed" : `move to ${requested}`;
  return `This alert is ${TERMINAL_STATUS}, which is final: it cannot ${refused}.`;
}

/** SQL: true when moving an alert from `current` to `requested` (null: no status asked) breaks the rule. */
export function breaksLifecycle(current: SQL, requested: SQL): SQL {
  return sql`(${current} = ${TERMINAL_STATUS} and ${requested} is not null and ${requested} <> ${TERMINAL_STATUS})`;
}

/** SQL: the timestamps a status change sets: `acknowledged_at` on first leaving Open, `resolved_at` on resolving. */
export function lifecycleStamps(alert: SQL, requested: SQL): SQL {
  return sql`acknowledged_at = case when ${requested} is not null and ${requested} <> 'Open'
      then coalesce(${alert}.acknowledged_at, now()) else ${alert}.acknowledged_at end,
    resolved_at = case when ${requested} = ${TERMINAL_STATUS} then coalesce(${alert}.resolved_at, now())
      else ${alert}.resolved_at end`;
}
