import { type SQL, sql } from "drizzle-orm";

/**
 * A stored list of matchers (as written) as the API shows it: each `{field, op, value}` rebuilt
 * in the documented order (jsonb keeps keys in an order of its own). For silences and rules alike.
 */
export function matchersJson(column: SQL): SQL {
  return sql`coalesce((select json_agg(json_build_object('field', m -> 'field', 'op', m -> 'op', 'value', m -> 'value')
                                     order by n) from jsonb_array_elements(${column}) with ordinality as x(m, n)), '[]'::json)`;
}
