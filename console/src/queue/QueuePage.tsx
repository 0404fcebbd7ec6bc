import { useCallback, useEffect, useRef, useState } from "hono/jsx/dom";
import { describe } from "../api/problem";
import { readJson } from "../api/session";
import type { Alert, Page } from "../api/types";
import { useServices } from "../context";
import { rememberQueue } from "../router";
import { ErrorText } from "../ui/bits";
import { usePageHeading } from "../ui/use-page-heading";
import { alertsRequest, filtersFrom, PAGE_SIZE, type QueueFilters, queueHref } from "./filters";
import { applyToPage, type QueuePage as QueuePageData } from "./live";
import { QueueFilterBar } from "./QueueFilters";
import { QueueTable } from "./QueueTable";

function Pager({ filters, count }: { filters: QueueFilters; count: number }) {
  const last = Math.max(1, Math.ceil(count / PAGE_SIZE));
  const link = (page: number, label: string, rel: string) =>
    page >= 1 && page <= last && page !== filters.page ? (
      <a href={queueHref({ ...filters, page })} rel={rel}>
        {label}
      </a>
    ) : (
      <span class="muted" aria-disabled="true">
        {label}
      </span>
    );
  return (
    <nav class="pager" aria-label="Pages">
      {link(filters.page - 1, "← Previous", "prev")}
      <span>
        Page {filters.page} of {last} · {count} {count === 1 ? "alert" : "alerts"}
      </span>
      {link(filters.page + 1, "Next →", "next")}
    </nav>
  );
}

/** The alert queue: filtered, newest first, paged, kept current by the stream. */
export function QueuePage({ query }: { query: URLSearchParams }) {
  const { session, stream, me } = useServices();
  const filters = filtersFrom(query);
  const request = alertsRequest(filters);
  const [page, setPage] = useState<QueuePageData | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const heading = usePageHeading("Alert queue");
  const latest = useRef("");

  const load = useCallback(async () => {
    latest.current = request;
    try {
      const body = await readJson<Page<Alert>>(await session.fetch(request));
      if (latest.current !== request) return;
      setPage({ alerts: body.results, count: body.count ?? body.results.length });
      setFresh(new Set());
      setError(null);
    } catch (e) {
      if (latest.current === request) setError(describe(e));
    }
  }, [request, session]);

  useEffect(() => {
    rememberQueue(queueHref(filters));
    void load();
  }, [load]);

  useEffect(
    () =>
      stream.listen((event) => {
        if (event.type === "resync") {
          void load();
          return;
        }
        setPage((current) => current && applyToPage(current, event, filters, me.username));
        if (event.type === "alert.created") setFresh((ids) => new Set([...ids, event.alert.id]));
      }),
    [stream, load],
  );

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Alert queue
      </h1>
      <QueueFilterBar filters={filters} onReload={() => void load()} />
      <ErrorText message={error} />
      {page ? (
        <>
          <QueueTable alerts={page.alerts} fresh={fresh} />
          <Pager filters={filters} count={page.count} />
        </>
      ) : (
        !error && (
          <p class="muted" role="status">
            Loading alerts…
          </p>
        )
      )}
    </>
  );
}
