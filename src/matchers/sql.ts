import { type SQL, sql } from "drizzle-orm";

/** The event columns a matcher can read, as SQL expressions of the row being matched. */
export type MatchedRow = { source_name: SQL; event_type: SQL; severity: SQL; dedup_key: SQL; metadata: SQL };

/**
 * True when every compiled matcher (language.ts) in `compiled`, a jsonb array, holds for the row.
 * One fixed expression: the matchers are data it reads, never SQL text, so no silence or rule can
 * inject anything, and the ingest statement evaluates every active silence against every event
 * in the same snapshot as its writes (an event is silenced or not, never half).
 */
export function matchesAll(compiled: SQL, row: MatchedRow): SQL {
  // The field's value is read once per matcher (a lateral), keeping the expression small: the
  // ingest statement is planned on every call, and planning time grows with its size.
  return sql`not exists (
    select 1 from jsonb_array_elements(${compiled}) as matcher(m),
      lateral (select case m ->> 'f'
        when 'source_name' then ${row.source_name}::text
        when 'event_type' then ${row.event_type}::text
        when 'severity' then ${row.severity}::text
        when 'dedup_key' then ${row.dedup_key}::text
        else ${row.metadata} ->> (m ->> 'k') end as v) as field
    where not coalesce(case m ->> 'op'
      when 'eq' then field.v = m ->> 'v'
      when 'ne' then field.v is distinct from m ->> 'v'
      when 'in' then field.v in (select jsonb_array_elements_text(m -> 'v'))
      when 'glob' then field.v like m ->> 'v' escape '\\'
    end, false))`;
}
