import { useCallback, useEffect, useRef, useState } from "hono/jsx/dom";
import { describe, explain } from "../api/problem";
import { readJson } from "../api/session";
import type { Alert, BulkResult, Page } from "../api/types";
import { useServices } from "../context";
import { navigate, rememberQueue } from "../router";
import { ErrorText } from "../ui/bits";
import { usePageHeading } from "../ui/use-page-heading";
import { BULK_ACTIONS, type BulkAction, summarize } from "./bulk";
import { alertsRequest, filtersFrom, PAGE_SIZE, type QueueFilters, queueHref, tagsFrom } from "./filters";
import { applyToPage, type QueuePage as QueuePageData } from "./live";
import { QueueFilterBar } from "./QueueFilters";
import { QueueTable } from "./QueueTable";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { useQueueKeys } from "./use-queue-keys";

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

const NONE: ReadonlySet<number> = new Set();

/**
 * The alert queue: filtered, searched, newest first, paged, kept current by the stream. Admins
 * select rows and act on them in one request (each row then shows its outcome), from the
 * keyboard too (`?` lists the keys).
 */
export function QueuePage({ query }: { query: URLSearchParams }) {
  const { session, stream, me } = useServices();
  const filters = filtersFrom(query);
  const href = queueHref(filters);
  const [page, setPage] = useState<QueuePageData | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<number>>(NONE);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(NONE);
  const [outcomes, setOutcomes] = useState<ReadonlyMap<number, BulkResult>>(new Map());
  const [summary, setSummary] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cursor, setCursor] = useState<number | null>(null);
  const heading = usePageHeading("Alert queue");
  const help = useRef<HTMLDialogElement>(null);
  const latest = useRef("");
  const outcomesNow = useRef(outcomes);
  outcomesNow.current = outcomes;
  // The rows a bulk action is under: the stream's frames of that very change can arrive before
  // its answer, and must not move them away before their outcome is shown.
  const acting = useRef<ReadonlySet<number>>(NONE);
  const admin = me.role === "admin";

  const load = useCallback(async () => {
    const request = alertsRequest(filters);
    latest.current = href;
    try {
      const body = await readJson<Page<Alert>>(await session.fetch(request));
      if (latest.current !== href) return;
      setPage({ alerts: body.results, count: body.count ?? body.results.length });
      setFresh(NONE);
      setOutcomes(new Map());
      setError(null);
    } catch (e) {
      if (latest.current === href) setError(describe(e));
    }
  }, [href, session]);

  useEffect(() => {
    // Old links to the queue (`/?status=Open`) are shown under its own address.
    if (location.pathname !== "/alerts") history.replaceState(null, "", href);
    rememberQueue(href);
    setSelected(NONE);
    setSummary(null);
    void load();
  }, [load]);

  useEffect(
    () =>
      stream.listen((event) => {
        if (event.type === "resync") {
          void load();
          return;
        }
        const pinned = new Set([...outcomesNow.current.keys(), ...acting.current]);
        setPage((current) => current && applyToPage(current, event, filters, me.username, pinned));
        if (event.type === "alert.created") setFresh((ids) => new Set([...ids, event.alert.id]));
      }),
    [stream, load],
  );

  const alerts = page?.alerts ?? [];
  const visible = (ids: ReadonlySet<number>) => alerts.filter((a) => ids.has(a.id)).map((a) => a.id);

  const act = async (action: BulkAction, ids: number[]) => {
    if (!ids.length || busy) return;
    setBusy(true);
    setSummary(null);
    acting.current = new Set(ids);
    try {
      const res = await session.json("/api/alerts/bulk/", "POST", { ids, ...BULK_ACTIONS[action].body(me.username) });
      const { results } = await readJson<{ results: BulkResult[] }>(res);
      const changed = new Map(results.flatMap((r) => (r.alert ? [[r.id, r.alert] as const] : [])));
      // The rows stay where they are, with their outcome, until the next load.
      setPage((current) => current && { ...current, alerts: current.alerts.map((a) => changed.get(a.id) ?? a) });
      const shown = new Map(results.map((r) => [r.id, r]));
      // Pinned from now on, whatever the stream says before the next render.
      outcomesNow.current = shown;
      setOutcomes(shown);
      setSelected(NONE);
      setSummary(summarize(action, results));
    } catch (e) {
      setSummary(explain(e));
    } finally {
      acting.current = NONE;
      setBusy(false);
    }
  };

  const rowLink = (id: number) => document.querySelector<HTMLAnchorElement>(`tr[data-alert-id="${id}"] a`);
  useQueueKeys({
    move: (step) => {
      if (!alerts.length) return;
      const at = alerts.findIndex((a) => a.id === cursor);
      const next = alerts[Math.min(alerts.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
      if (!next) return;
      setCursor(next.id);
      rowLink(next.id)?.focus();
    },
    toggle: () => {
      if (!admin || cursor === null) return;
      setSelected((ids) => toggled(ids, cursor, !ids.has(cursor)));
    },
    acknowledge: () => {
      if (!admin) return;
      const ids = visible(selected);
      void act("acknowledge", ids.length ? ids : cursor === null ? [] : [cursor]);
    },
    open: () => {
      if (cursor !== null) navigate(`/alerts/${cursor}`);
    },
    search: () => document.getElementById("queue-search")?.focus(),
    help: () => help.current?.showModal(),
  });

  const picked = visible(selected);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Alert queue
      </h1>
      <QueueFilterBar filters={filters} onReload={() => void load()} />
      <ErrorText message={error} />
      {admin && (
        <div class="bulk">
          <p class="small" role="status">
            {picked.length} selected
          </p>
          {(Object.keys(BULK_ACTIONS) as BulkAction[]).map((action) => (
            <button type="button" disabled={busy || !picked.length} onClick={() => void act(action, picked)}>
              {BULK_ACTIONS[action].label}
            </button>
          ))}
          <button type="button" class="link" onClick={() => help.current?.showModal()}>
            Keyboard shortcuts (?)
          </button>
        </div>
      )}
      {summary && (
        <p class="notice" role="status">
          {summary}
        </p>
      )}
      {page ? (
        <>
          <QueueTable
            alerts={page.alerts}
            fresh={fresh}
            cursor={cursor}
            tagHref={(tag) => queueHref({ ...filters, tags: tagsFrom([...filters.tags, tag]), page: 1 })}
            outcomes={outcomes}
            selection={
              admin
                ? {
                    selected,
                    toggle: (id, on) => setSelected((ids) => toggled(ids, id, on)),
                    toggleAll: (on) => setSelected(on ? new Set(page.alerts.map((a) => a.id)) : NONE),
                  }
                : null
            }
          />
          <Pager filters={filters} count={page.count} />
        </>
      ) : (
        !error && (
          <p class="muted" role="status">
            Loading alerts…
          </p>
        )
      )}
      {!admin && (
        <p class="muted small">
          <button type="button" class="link" onClick={() => help.current?.showModal()}>
            Keyboard shortcuts (?)
          </button>
        </p>
      )}
      <ShortcutsHelp dialog={help} />
    </>
  );
}

function toggled(ids: ReadonlySet<number>, id: number, on: boolean): ReadonlySet<number> {
  const next = new Set(ids);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}
