import { useEffect, useState } from "hono/jsx/dom";
import { describe } from "../api/problem";
import { readJson } from "../api/session";
import type { Delivery, Webhook } from "../api/types";
import { useServices } from "../context";
import { ErrorText, Notice, Time, Untrusted } from "../ui/bits";
import { ListTable } from "../ui/ListTable";
import { useListPage } from "../ui/use-list-page";

// While a delivery is pending, the log is read again this often (a ping lands within seconds).
const POLL_MS = 3000;

/** `/admin/webhooks/{id}`: one webhook and its deliveries log, newest first; failed ones retried. */
export function WebhookPage({ id }: { id: number }) {
  const { session } = useServices();
  const [hook, setHook] = useState<Webhook | null>(null);
  const [hookError, setHookError] = useState<string | null>(null);
  const {
    list: log,
    action: acting,
    notice,
    setNotice,
    reload,
  } = useListPage<Delivery>(`/api/webhooks/${id}/deliveries/?page_size=50`);
  const pending = (log.items ?? []).some((d) => d.status === "pending");

  useEffect(() => {
    void (async () => {
      try {
        setHook(await readJson<Webhook>(await session.fetch(`/api/webhooks/${id}/`)));
      } catch (e) {
        setHookError(describe(e));
      }
    })();
  }, [id, session]);

  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, log.items]);

  const ping = () =>
    acting.run(async () => {
      const delivery = await readJson<Delivery>(await session.fetch(`/api/webhooks/${id}/test/`, { method: "POST" }));
      setNotice(`Ping #${delivery.id} queued.`);
      reload();
    });
  const retry = (delivery: Delivery) =>
    acting.run(async () => {
      await readJson<Delivery>(
        await session.fetch(`/api/webhooks/${id}/deliveries/${delivery.id}/retry/`, { method: "POST" }),
      );
      setNotice(`Delivery #${delivery.id} is queued again.`);
      reload();
    });

  return (
    <>
      <p class="crumbs">
        <a href="/admin/webhooks">← Webhooks</a>
      </p>
      <ErrorText message={hookError} />
      {hook && (
        <dl class="fields summary">
          <dt>URL</dt>
          <dd>
            <Untrusted text={hook.url} />
          </dd>
          <dt>Events</dt>
          <dd>{hook.events.join(", ")}</dd>
          <dt>Alerts at least</dt>
          <dd>{hook.min_severity ?? "High"}</dd>
          <dt>Created</dt>
          <dd>
            <Time iso={hook.created_at} />
          </dd>
        </dl>
      )}
      <section aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Deliveries</h2>
        <p>
          <button type="button" disabled={acting.busy} onClick={() => void ping()}>
            Send test ping
          </button>{" "}
          <button type="button" onClick={reload}>
            Reload
          </button>
        </p>
        <Notice message={notice} />
        <ErrorText message={log.error ?? acting.error} />
        <ListTable
          list={log}
          label="Deliveries"
          empty="Nothing delivered yet."
          caption="Deliveries, newest first"
          columns={[
            "Delivery",
            "Event",
            "Alert",
            "Status",
            { label: "Attempts", class: "num" },
            "Last answer",
            "Created",
            "Delivered",
            "Action",
          ]}
        >
          {(deliveries) =>
            deliveries.map((d) => (
              <tr key={d.id} data-delivery-id={d.id}>
                <td>#{d.id}</td>
                <td>{d.event_type}</td>
                <td>
                  {d.alert_id ? <a href={`/alerts/${d.alert_id}`}>#{d.alert_id}</a> : <span class="muted">—</span>}
                </td>
                <td>
                  <span class={`badge delivery-${d.status}`}>{d.status}</span>
                </td>
                <td class="num">{d.attempts}</td>
                <td class="clip">
                  {d.last_status_code ?? ""} {d.last_error ? <Untrusted text={d.last_error} /> : null}
                </td>
                <td>
                  <Time iso={d.created_at} />
                </td>
                <td>
                  <Time iso={d.delivered_at} />
                </td>
                <td>
                  {d.status === "failed" && (
                    <button type="button" disabled={acting.busy} onClick={() => void retry(d)}>
                      Retry
                    </button>
                  )}
                </td>
              </tr>
            ))
          }
        </ListTable>
      </section>
    </>
  );
}
