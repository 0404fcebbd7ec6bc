import { useCallback, useEffect, useRef, useState } from "hono/jsx/dom";
import { describe } from "../api/problem";
import { readJson } from "../api/session";
import type { Page } from "../api/types";
import { useServices } from "../context";

export type PagedList<T> = {
  items: T[] | null;
  error: string | null;
  hasMore: boolean;
  loadMore: () => void;
};

// Links come back absolute; keep only path and query, so a request never leaves the origin.
const sameOrigin = (url: string) => {
  const parsed = new URL(url, location.origin);
  return parsed.pathname + parsed.search;
};

/**
 * A paginated list (an alert's events, notes, history; silences, heartbeats): the first page,
 * reloaded when `path` or `revision` changes, and "Load more" following the API's `next` link.
 */
export function usePagedList<T>(path: string, revision: number): PagedList<T> {
  const { session } = useServices();
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Answers to requests made for an older path or revision are dropped.
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (url: string, append: boolean) => {
      const mine = generation.current;
      try {
        const page = await readJson<Page<T>>(await session.fetch(url));
        if (mine !== generation.current) return;
        setItems((current) => (append && current ? [...current, ...page.results] : page.results));
        setNext(page.next ? sameOrigin(page.next) : null);
        setError(null);
      } catch (e) {
        if (mine === generation.current) setError(describe(e));
      }
    },
    [session],
  );

  useEffect(() => {
    generation.current += 1;
    void fetchPage(path, false);
  }, [path, revision, fetchPage]);

  return {
    items,
    error,
    hasMore: next !== null,
    loadMore: () => {
      if (next) void fetchPage(next, true);
    },
  };
}
