import { type SQL, sql } from "drizzle-orm";
import { eventSearchText } from "../db/schema";
import { CHAR, NON_SPACE_CHAR, text } from "../http/text";

/**
 * `GET /api/alerts/?q=`: free text over what sensors wrote. An alert matches when one of its
 * events (the one that opened it, or one grouped into it) holds every word of `q` in its source,
 * type or description, as a case-insensitive substring: `fw-edge` finds `fw-edge-01`, `203.0.113`
 * finds the IP. Served by a trigram index (events_alert_search_idx), which needs a word of at
 * least 3 characters to narrow the search.
 */
export const MAX_SEARCH_LENGTH = 200;

export const searchQuery = text(MAX_SEARCH_LENGTH)
  .regex(/\S{3}/u, "Give at least one word of 3 or more characters.")
  .openapi({
    description:
      "Free text: alerts one of whose events holds every word (a case-insensitive substring) in its source, " +
      "type or description. At least one word of 3 or more characters",
    pattern: `^${CHAR}*?${NON_SPACE_CHAR}{3}${CHAR}*$`,
    example: "fw-edge ssh",
  });

/** LIKE's own characters, escaped (backslash is PostgreSQL's default escape). */
const likeLiteral = (word: string) => word.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The condition on `alerts a`. The expression is the index's, so the planner can use it. */
export function searchCondition(q: string): SQL {
  const haystack = eventSearchText({
    sourceName: sql`e.source_name`,
    eventType: sql`e.event_type`,
    description: sql`e.description`,
  });
  const words = [...new Set(q.split(/\s+/).filter(Boolean))];
  const matches = words.map((word) => sql`(${haystack}) ilike ${`%${likeLiteral(word)}%`}`);
  return sql`a.id in (select e.alert_id from events e where e.alert_id is not null and ${sql.join(matches, sql` and `)})`;
}
