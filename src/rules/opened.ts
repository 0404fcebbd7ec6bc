import { type SQL, sql } from "drizzle-orm";

/**
 * What an alert's `created` history row says about the rule that opened it, from the alert's
 * `opened_by_rule` (`{id, name, threshold}` as the rule was then): "Opened by rule 4 (PCI
 * segment)." or "Opened by threshold rule 7 (Admin logins): 3 events within 300 s." Null for
 * the system's alerts.
 */
export function openedReason(openedByRule: SQL): SQL {
  const rule = openedByRule;
  return sql`case when ${rule} is null then null
    when jsonb_typeof(${rule} -> 'threshold') = 'object' then
      format('Opened by threshold rule %s (%s): %s events within %s s.', ${rule} ->> 'id', ${rule} ->> 'name',
             ${rule} -> 'threshold' ->> 'count', ${rule} -> 'threshold' ->> 'within_seconds')
    else format('Opened by rule %s (%s).', ${rule} ->> 'id', ${rule} ->> 'name') end`;
}
