import { useState } from "hono/jsx/dom";
import { type Action, useAction } from "./use-action";
import { type PagedList, usePagedList } from "./use-paged-list";

export type ListPage<T> = {
  list: PagedList<T>;
  /** The page's actions on its rows (one at a time). */
  action: Action;
  /** What the last action did, to say so. */
  notice: string | null;
  setNotice: (notice: string | null) => void;
  /** Reads the list again from its first page. */
  reload: () => void;
};

/** What a list page that acts on its rows keeps: the list, one action at a time, its notice. */
export function useListPage<T>(path: string): ListPage<T> {
  const [revision, setRevision] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  return {
    list: usePagedList<T>(path, revision),
    action: useAction(),
    notice,
    setNotice,
    reload: () => setRevision((r) => r + 1),
  };
}
