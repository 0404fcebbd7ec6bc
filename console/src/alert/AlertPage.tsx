import { useCallback, useEffect, useRef, useState } from "hono/jsx/dom";
import { describe } from "../api/problem";
import { readJson } from "../api/session";
import type { Alert, OpenedByRule } from "../api/types";
import { useServices } from "../context";
import { filtersFrom, isSnoozed, queueHref } from "../queue/filters";
import { lastQueue, navigate } from "../router";
import { describeThreshold } from "../rules/draft";
import { ErrorText, SeverityBadge, StatusBadge, Tags, Time, Untrusted } from "../ui/bits";
import { usePageHeading } from "../ui/use-page-heading";
import { EventDetails } from "./EventDetails";
import { GroupedEvents } from "./GroupedEvents";
import { History } from "./History";
import { Notes } from "./Notes";
import { Snooze } from "./Snooze";
import { type AlertChange, Triage } from "./Triage";

/** The rule that decided this alert opens, as it was then (a threshold rule with its threshold). */
function OpenedBy({ rule }: { rule: OpenedByRule | null }) {
  if (!rule) return <span class="muted">No rule (Vigil itself)</span>;
  return (
    <>
      <a href="/rules">
        {rule.threshold ? "threshold rule" : "rule"} #{rule.id}
      </a>{" "}
      <Untrusted text={rule.name} />
      {rule.threshold && <span class="muted">: {describeThreshold(rule.threshold)}</span>}
    </>
  );
}

function Summary({ alert }: { alert: Alert }) {
  return (
    <dl class="fields summary">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={alert.status} />
      </dd>
      <dt>Severity</dt>
      <dd>
        <SeverityBadge severity={alert.severity} />
      </dd>
      <dt>Assignee</dt>
      <dd>{alert.assignee ? <Untrusted text={alert.assignee} /> : <span class="muted">Unassigned</span>}</dd>
      <dt>Events</dt>
      <dd>{alert.event_count}</dd>
      <dt>Dedup key</dt>
      <dd>{alert.dedup_key ? <code>{alert.dedup_key}</code> : <span class="muted">—</span>}</dd>
      <dt>Tags</dt>
      <dd>
        <Tags tags={alert.tags} href={(tag) => queueHref(filtersFrom(new URLSearchParams({ tag })))} />
      </dd>
      <dt>Opened by</dt>
      <dd>
        <OpenedBy rule={alert.opened_by_rule} />
      </dd>
      <dt>Raised</dt>
      <dd>
        <Time iso={alert.created_at} />
      </dd>
      <dt>Last event</dt>
      <dd>
        <Time iso={alert.last_event_at} />
      </dd>
      <dt>Acknowledged</dt>
      <dd>
        <Time iso={alert.acknowledged_at} />
      </dd>
      <dt>Resolved</dt>
      <dd>
        <Time iso={alert.resolved_at} />
      </dd>
      <dt>Snoozed until</dt>
      <dd>{isSnoozed(alert) ? <Time iso={alert.snoozed_until} /> : <span class="muted">Not snoozed</span>}</dd>
    </dl>
  );
}

const inField = (target: EventTarget | null) =>
  target instanceof HTMLElement && target.closest("input, textarea, select") !== null;

/** `/alerts/{id}`: the alert, its event, grouped events, notes, history; triage for admins. */
export function AlertPage({ id }: { id: number }) {
  const { session, stream, me } = useServices();
  const [alert, setAlert] = useState<Alert | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped on every change to the alert, so notes, history and grouped events reload.
  const [revision, setRevision] = useState(0);
  const etag = useRef<string | null>(null);
  // What is on screen, to tell a frame about a change already shown (our own PATCH) from news.
  const shown = useRef<Alert | null>(null);
  const heading = usePageHeading(`Alert #${id}`);

  const show = useCallback((res: Response, body: Alert) => {
    etag.current = res.headers.get("ETag");
    shown.current = body;
    setAlert(body);
    setError(null);
  }, []);

  const load = useCallback(async () => {
    try {
      const res = await session.fetch(`/api/alerts/${id}/`);
      show(res, await readJson<Alert>(res));
    } catch (e) {
      setError(describe(e));
    }
  }, [id, session, show]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(
    () =>
      stream.listen((event) => {
        const news =
          event.type === "resync" ||
          (event.type === "alert.updated" && event.alert.id === id && !alreadyShown(shown.current, event.alert));
        if (news) {
          void load();
          setRevision((r) => r + 1);
        }
      }),
    [stream, id, load],
  );

  // Escape leaves a field, and from the page goes back to the queue.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (inField(event.target)) (event.target as HTMLElement).blur();
      else navigate(lastQueue());
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  // If-Match makes a change made on a stale view a 412 rather than a silent overwrite; then the
  // page reloads, so the admin sees what changed before deciding again.
  const change = async (body: AlertChange) => {
    const headers: Record<string, string> = etag.current ? { "If-Match": etag.current } : {};
    const res = await session.json(`/api/alerts/${id}/`, "PATCH", body, headers);
    if (res.status === 412) void load(); // readJson then throws the 412's detail for the form
    show(res, await readJson<Alert>(res));
    setRevision((r) => r + 1);
  };

  return (
    <>
      <p class="crumbs">
        <a href={lastQueue()}>← Alert queue</a> <span class="muted small">(Esc)</span>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        Alert #{id}
        {alert && (
          <span class="subtitle">
            {" "}
            <Untrusted text={alert.event.event_type} /> on <Untrusted text={alert.event.source_name} />
          </span>
        )}
      </h1>
      <ErrorText message={error} />
      {alert && (
        <div class="alert-layout">
          <div class="column">
            <Summary alert={alert} />
            {me.role === "admin" && <Triage alert={alert} change={change} />}
            <Snooze alert={alert} change={change} />
            {me.role === "admin" && (
              <p>
                <a href={`/silences?alert=${id}`}>Silence similar events…</a>{" "}
                <span class="muted small">(a maintenance window prefilled from this alert)</span>
              </p>
            )}
            <EventDetails event={alert.event} />
            <GroupedEvents alertId={id} revision={revision} />
          </div>
          <div class="column">
            <Notes alertId={id} revision={revision} onAdded={() => setRevision((r) => r + 1)} />
            <History alertId={id} revision={revision} />
          </div>
        </div>
      )}
    </>
  );
}

/** Whether a frame's alert is the state already on screen: every change moves `updated_at`. */
function alreadyShown(current: Alert | null, framed: Alert): boolean {
  return current !== null && current.updated_at === framed.updated_at && current.event_count === framed.event_count;
}
