import { type SQL, sql } from "drizzle-orm";

/**
 * A timestamptz as the API shows it: ISO 8601 in UTC with `Z` and microseconds, as DRF does
 * (`2026-11-24T10:15:00.123456Z`). Done in SQL so no precision is lost on the way.
 */
export function isoUtc(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
