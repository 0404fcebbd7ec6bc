import { useCallback, useEffect, useRef, useState } from "hono/jsx/dom";
import { describe } from "../api/problem";
import { readJson } from "../api/session";
import { ALERT_STATUSES, type Stats, type StatsGrouping } from "../api/types";
import { BarList } from "../charts/BarList";
import { Lines } from "../charts/Lines";
import { StackedBars } from "../charts/StackedBars";
import { bucketName, formatDuration } from "../charts/scale";
import { useServices } from "../context";
import { filtersFrom, queueHref } from "../queue/filters";
import { navigate } from "../router";
import { ErrorText } from "../ui/bits";
import { RangePicker } from "../ui/RangePicker";
import { type TimeRange, writeRange } from "../ui/range";
import { Scroll } from "../ui/Scroll";
import { usePageHeading } from "../ui/use-page-heading";
import { countCreated } from "./live";
import {
  type Bucket,
  type DashboardView,
  dashboardHref,
  defaultBucket,
  hoursFit,
  statsRequest,
  viewFrom,
} from "./view";

// After a change the stream cannot count (a status moved, a mean), the figures are fetched again
// this long after the first such change: a busy queue refreshes them at most this often (each
// fetch is one scan of the range's alerts), and never waits longer.
const REFRESH_AFTER_MS = 5000;

/** The top-10 lists, one per grouping the dashboard asks for, each entry linking to the queue filtered by it. */
const TOP_LISTS: {
  grouping: StatsGrouping;
  title: string;
  label: string;
  empty: string;
  filter: (key: string) => Record<string, string>;
}[] = [
  {
    grouping: "source_name",
    title: "Loudest sources",
    label: "Top 10 sources by alerts raised",
    empty: "No alerts in this range.",
    filter: (q) => ({ q }),
  },
  {
    grouping: "event_type",
    title: "Most frequent event types",
    label: "Top 10 event types by alerts raised",
    empty: "No alerts in this range.",
    filter: (q) => ({ q }),
  },
  {
    grouping: "tag",
    title: "Top tags",
    label: "Top 10 tags by alerts carrying them",
    empty: "No tagged alerts in this range.",
    filter: (tag) => ({ tag }),
  },
];

/** A link to the queue showing what a figure counts: the same range, plus `extra`. */
function queueLink(range: TimeRange, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams(extra);
  writeRange(range, query);
  return queueHref(filtersFrom(query));
}

function Figures({ stats, range }: { stats: Stats; range: TimeRange }) {
  const figure = (label: string, value: string, href?: string) => (
    <div class="figure">
      <dt>{label}</dt>
      <dd>{href ? <a href={href}>{value}</a> : value}</dd>
    </div>
  );
  return (
    <dl class="figures">
      {figure("Raised", String(stats.total), queueLink(range))}
      {figure("Open", String(stats.by_status.Open), queueLink(range, { status: "Open" }))}
      {figure(
        "Open, nobody on it",
        String(stats.unassigned_open),
        queueLink(range, { status: "Open", assignee: "none" }),
      )}
      {figure("Mean time to acknowledge", formatDuration(stats.mean_seconds_to_acknowledge))}
      {figure("Mean time to resolve", formatDuration(stats.mean_seconds_to_resolve))}
    </dl>
  );
}

/** The numbers behind the time charts, for screen readers and for reading exact values. */
function SeriesTable({ stats, bucket }: { stats: Stats; bucket: Bucket }) {
  return (
    <details>
      <summary>The numbers</summary>
      <Scroll label="Alerts per bucket">
        <table>
          <thead>
            <tr>
              <th scope="col">{bucket === "hour" ? "Hour" : "Day"}</th>
              <th scope="col" class="num">
                Critical
              </th>
              <th scope="col" class="num">
                High
              </th>
              <th scope="col" class="num">
                To acknowledge
              </th>
              <th scope="col" class="num">
                To resolve
              </th>
            </tr>
          </thead>
          <tbody>
            {(stats.series ?? []).map((b) => (
              <tr>
                <th scope="row">{bucketName(b.start, bucket)}</th>
                <td class="num">{b.by_severity.Critical}</td>
                <td class="num">{b.by_severity.High}</td>
                <td class="num">{formatDuration(b.mean_seconds_to_acknowledge)}</td>
                <td class="num">{formatDuration(b.mean_seconds_to_resolve)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </details>
  );
}

/**
 * `/`: how many alerts, how severe, where they stand, how fast they are handled, which sources,
 * types and tags are most frequent, over a range; new alerts from the stream are counted as they come.
 */
export function DashboardPage({ query }: { query: URLSearchParams }) {
  const { session, stream } = useServices();
  const view = viewFrom(query, Date.now());
  const href = dashboardHref(view);
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = usePageHeading("Dashboard");
  const latest = useRef("");
  const refresh = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const viewNow = useRef<DashboardView>(view);
  viewNow.current = view;

  const load = useCallback(async () => {
    latest.current = href;
    try {
      const body = await readJson<Stats>(await session.fetch(statsRequest(view, Date.now())));
      if (latest.current !== href) return;
      setStats(body);
      setError(null);
    } catch (e) {
      if (latest.current === href) setError(describe(e));
    }
  }, [href, session]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const unlisten = stream.listen((event) => {
      if (event.type === "alert.created") {
        setStats((current) => current && countCreated(current, event.alert, viewNow.current, Date.now()));
        return;
      }
      refresh.current ??= setTimeout(() => {
        refresh.current = undefined;
        void load();
      }, REFRESH_AFTER_MS);
    });
    return () => {
      unlisten();
      clearTimeout(refresh.current);
      refresh.current = undefined;
    };
  }, [stream, load]);

  const go = (change: Partial<DashboardView>) => navigate(dashboardHref({ ...view, ...change }));
  const series = stats?.series ?? [];
  const link = (extra: Record<string, string>) => queueLink(view.range, extra);

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Dashboard
      </h1>
      <form class="filters" aria-label="Dashboard range" onSubmit={(e: Event) => e.preventDefault()}>
        <RangePicker
          id="dashboard-range"
          range={view.range}
          allowAll={false}
          onChange={(range) => range.kind !== "all" && go({ range, bucket: defaultBucket(range, Date.now()) })}
        />
        <label>
          Per
          <select
            value={view.bucket}
            onChange={(e: Event) => go({ bucket: (e.target as HTMLSelectElement).value as Bucket })}
          >
            <option value="hour" disabled={!hoursFit(view.range, Date.now())}>
              hour
            </option>
            <option value="day">day</option>
          </select>
        </label>
        <button type="button" onClick={() => void load()}>
          Reload
        </button>
      </form>
      <ErrorText message={error} />
      {!stats && !error && (
        <p class="muted" role="status">
          Loading the figures…
        </p>
      )}
      {stats && (
        <div class="dashboard">
          <Figures stats={stats} range={view.range} />
          <section aria-labelledby="raised-title" class="wide-panel">
            <h2 id="raised-title">Alerts raised per {view.bucket}, by severity</h2>
            <p class="legend">
              <span class="key severity-critical-fill" aria-hidden="true" /> Critical
              <span class="key severity-high-fill" aria-hidden="true" /> High
            </p>
            <StackedBars
              stacks={series.map((b) => ({ start: b.start, values: [b.by_severity.High, b.by_severity.Critical] }))}
              layers={[
                { name: "High", className: "severity-high-fill" },
                { name: "Critical", className: "severity-critical-fill" },
              ]}
              bucket={view.bucket}
              label={`Alerts raised per ${view.bucket}: ${stats.total} in all, ${stats.by_severity.Critical} Critical and ${stats.by_severity.High} High.`}
            />
            <SeriesTable stats={stats} bucket={view.bucket} />
          </section>
          <section aria-labelledby="status-title">
            <h2 id="status-title">Where they stand</h2>
            <BarList
              label="Alerts raised in the range, by status now"
              empty="No alerts in this range."
              items={ALERT_STATUSES.map((s) => ({
                key: s,
                count: stats.by_status[s],
                href: link({ status: s }),
                className: `status-${s.toLowerCase()}-fill`,
              }))}
            />
          </section>
          <section aria-labelledby="times-title">
            <h2 id="times-title">Time to acknowledge and to resolve</h2>
            <p class="legend">
              <span class="key mtta" aria-hidden="true" /> To acknowledge
              <span class="key mttr" aria-hidden="true" /> To resolve
            </p>
            <Lines
              starts={series.map((b) => b.start)}
              lines={[
                { name: "To acknowledge", className: "mtta", values: series.map((b) => b.mean_seconds_to_acknowledge) },
                { name: "To resolve", className: "mttr", values: series.map((b) => b.mean_seconds_to_resolve) },
              ]}
              bucket={view.bucket}
              label={`Mean time to acknowledge ${formatDuration(stats.mean_seconds_to_acknowledge)}, to resolve ${formatDuration(stats.mean_seconds_to_resolve)}, per ${view.bucket}.`}
            />
          </section>
          {TOP_LISTS.map((top) => (
            <section aria-labelledby={`${top.grouping}-title`}>
              <h2 id={`${top.grouping}-title`}>{top.title}</h2>
              <BarList
                label={top.label}
                empty={top.empty}
                items={(stats.groups?.[top.grouping] ?? []).map((g) => ({ ...g, href: link(top.filter(g.key)) }))}
              />
            </section>
          ))}
        </div>
      )}
    </>
  );
}
