import { useEffect, useState } from "hono/jsx/dom";
import { expectNoContent, readJson } from "../api/session";
import { HEARTBEAT_STATUSES, type Heartbeat } from "../api/types";
import { useServices } from "../context";
import { ErrorText, Notice, StatusBadge, Time, Untrusted } from "../ui/bits";
import { FormPanel } from "../ui/FormPanel";
import { ListTable } from "../ui/ListTable";
import { StateFilter } from "../ui/StateFilter";
import { useAction } from "../ui/use-action";
import { useListPage } from "../ui/use-list-page";
import { usePageHeading } from "../ui/use-page-heading";

/** Admins: expect a sensor to report every `timeout_seconds`, optionally through one key only. */
function NewHeartbeat({ onCreated }: { onCreated: (h: Heartbeat) => void }) {
  const { session } = useServices();
  const [name, setName] = useState("");
  const [timeout, setTimeoutSeconds] = useState("300");
  const [keyId, setKeyId] = useState("");
  const action = useAction();
  const value = (e: Event) => (e.target as HTMLInputElement).value;

  const submit = () =>
    action.run(async () => {
      const body: Record<string, unknown> = { name: name.trim(), timeout_seconds: Number(timeout) };
      if (keyId.trim()) body.key_id = Number(keyId);
      onCreated(await readJson<Heartbeat>(await session.json("/api/heartbeats/", "POST", body)));
      setName("");
    });

  return (
    <FormPanel id="new-heartbeat" title="Watch a sensor" submit="Watch" action={action} onSubmit={() => void submit()}>
      <label for="heartbeat-name">Name</label>
      <input
        id="heartbeat-name"
        required
        value={name}
        placeholder="its source_name, e.g. fw-edge-1"
        onInput={(e: Event) => setName(value(e))}
      />
      <label for="heartbeat-timeout">Timeout (s)</label>
      <input
        id="heartbeat-timeout"
        type="number"
        min="60"
        max="86400"
        required
        value={timeout}
        onInput={(e: Event) => setTimeoutSeconds(value(e))}
      />
      <label for="heartbeat-key">Key id</label>
      <input
        id="heartbeat-key"
        type="number"
        min="1"
        value={keyId}
        placeholder="optional"
        onInput={(e: Event) => setKeyId(value(e))}
      />
    </FormPanel>
  );
}

/** `/heartbeats`: which sensors are reporting, late (an alert is up) or not heard from yet. */
export function HeartbeatsPage({ query }: { query: URLSearchParams }) {
  const { session, stream, me } = useServices();
  const status = HEARTBEAT_STATUSES.find((s) => s === query.get("status")) ?? "";
  const {
    list,
    action: removal,
    notice,
    setNotice,
    reload,
  } = useListPage<Heartbeat>(`/api/heartbeats/?page_size=100${status ? `&status=${status}` : ""}`);
  const heading = usePageHeading("Heartbeats");

  // A heartbeat's alert opening or resolving is its status changing: show it at once.
  useEffect(
    () =>
      stream.listen((event) => {
        if (event.type === "resync" || event.alert.dedup_key?.startsWith("heartbeat:")) reload();
      }),
    [stream],
  );

  const remove = (name: string) =>
    removal.run(async () => {
      await expectNoContent(await session.fetch(`/api/heartbeats/${encodeURIComponent(name)}/`, { method: "DELETE" }));
      setNotice(`${name} is no longer watched.`);
      reload();
    });

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Heartbeats
      </h1>
      {me.role === "admin" && (
        <NewHeartbeat
          onCreated={(h) => {
            setNotice(`Watching ${h.name}: late after ${h.timeout_seconds} s without a beat.`);
            reload();
          }}
        />
      )}
      <Notice message={notice} />
      <StateFilter
        label="Heartbeat states"
        path="/heartbeats"
        param="status"
        values={HEARTBEAT_STATUSES}
        current={status}
      />
      <ErrorText message={list.error ?? removal.error} />
      <ListTable
        list={list}
        label="Heartbeats"
        empty="No heartbeats."
        caption="Heartbeats by name"
        columns={[
          "Sensor",
          "Status",
          "Last beat",
          "Due",
          { label: "Timeout", class: "num" },
          "Owner",
          "Alert",
          ...(me.role === "admin" ? ["Action"] : []),
        ]}
      >
        {(items) =>
          items.map((h) => (
            <tr key={h.name} data-heartbeat={h.name}>
              <td class="clip">
                <Untrusted text={h.name} />
                {h.tags.map((t) => (
                  <span class="badge tag">{t}</span>
                ))}
              </td>
              <td>
                <span class={`badge heartbeat-${h.status}`}>{h.status}</span>
              </td>
              <td>
                <Time iso={h.last_beat_at} />
              </td>
              <td>
                <Time iso={h.due_at} />
              </td>
              <td class="num">{h.timeout_seconds} s</td>
              <td>
                {h.owner ? (
                  <Untrusted text={`${h.owner.name} (${h.owner.type})`} />
                ) : (
                  <span class="muted">first to beat</span>
                )}
              </td>
              <td>
                {h.alert ? (
                  <>
                    <a href={`/alerts/${h.alert.id}`}>#{h.alert.id}</a> <StatusBadge status={h.alert.status} />
                  </>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              {me.role === "admin" && (
                <td>
                  <button type="button" disabled={removal.busy} onClick={() => void remove(h.name)}>
                    Stop watching
                  </button>
                </td>
              )}
            </tr>
          ))
        }
      </ListTable>
    </>
  );
}
