import { type SQL, sql } from "drizzle-orm";
import { textArray } from "../db/sql";

/**
 * The rows whose `column` holds every tag given. The cardinality condition is the partial GIN
 * indexes' own predicate (events_tags_idx, alerts_tags_idx: untagged rows are not indexed), said
 * again so the planner can use them.
 */
export function hasTags(column: SQL, tags: readonly string[]): SQL {
  return sql`(${column} @> ${textArray(tags)}::text[] and cardinality(${column}) > 0)`;
}
