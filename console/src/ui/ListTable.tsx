import type { Child } from "hono/jsx";
import { Scroll } from "./Scroll";
import type { PagedList } from "./use-paged-list";

/** A column's heading, and the class its cells share (`num` right-aligns numbers). */
export type Column = string | { label: string; class: string };

/**
 * A paginated list as a table (silences, heartbeats, keys, webhooks, deliveries, users, the audit
 * log): `empty` while there is nothing, the table (scrolling sideways on a phone) once there is,
 * and "Load more" while the API has a next page. `children` makes the rows.
 */
export function ListTable<T>({
  list,
  label,
  caption,
  columns,
  empty,
  children,
}: {
  list: PagedList<T>;
  /** What the rows are ("API keys"): the region's name, and the Load more button's. */
  label: string;
  /** What a screen reader hears first: what the rows are, and in which order. */
  caption: string;
  columns: Column[];
  empty: string;
  children: (items: T[]) => Child;
}) {
  if (!list.items) return null;
  if (list.items.length === 0) return <p class="empty">{empty}</p>;
  return (
    <>
      <Scroll label={label}>
        <table>
          <caption class="sr-only">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) =>
                typeof column === "string" ? (
                  <th scope="col">{column}</th>
                ) : (
                  <th scope="col" class={column.class}>
                    {column.label}
                  </th>
                ),
              )}
            </tr>
          </thead>
          <tbody>{children(list.items)}</tbody>
        </table>
      </Scroll>
      {list.hasMore && (
        <button type="button" onClick={list.loadMore}>
          Load more {label.toLowerCase()}
        </button>
      )}
    </>
  );
}
