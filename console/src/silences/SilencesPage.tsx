import { useEffect, useState } from "hono/jsx/dom";
import { describe, isUnder } from "../api/problem";
import { expectNoContent, readJson } from "../api/session";
import type { Alert, Silence } from "../api/types";
import { useServices } from "../context";
import { MatcherFields } from "../matchers/MatcherFields";
import { MatcherList } from "../matchers/MatcherList";
import { blankRow, type MatcherRow, rowsFromAlert, toMatchers } from "../matchers/matchers";
import { ErrorText, Notice, Time, Untrusted } from "../ui/bits";
import { FormPanel } from "../ui/FormPanel";
import { ListTable } from "../ui/ListTable";
import { StateFilter } from "../ui/StateFilter";
import { useAction } from "../ui/use-action";
import { useListPage } from "../ui/use-list-page";
import { usePageHeading } from "../ui/use-page-heading";

const STATES = ["active", "pending", "expired"] as const;
const DURATIONS = [
  { label: "1 hour", hours: 1 },
  { label: "4 hours", hours: 4 },
  { label: "12 hours", hours: 12 },
  { label: "1 day", hours: 24 },
  { label: "3 days", hours: 72 },
  { label: "7 days", hours: 168 },
  { label: "30 days", hours: 720 },
];

/** Admins: a new maintenance window, prefilled from an alert by "silence similar". */
function NewSilence({ initial, onCreated }: { initial: MatcherRow[]; onCreated: (s: Silence) => void }) {
  const { session } = useServices();
  const [rows, setRows] = useState<MatcherRow[]>(initial);
  const [hours, setHours] = useState(4);
  const [comment, setComment] = useState("");
  const action = useAction((field) => isUnder(field, "matchers"));
  useEffect(() => setRows(initial), [initial]);

  const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

  const submit = () =>
    action.run(async () => {
      const res = await session.json("/api/silences/", "POST", {
        matchers: toMatchers(rows),
        ends_at: new Date(Date.now() + hours * 3_600_000).toISOString(),
        comment,
      });
      onCreated(await readJson<Silence>(res));
      setComment("");
    });

  return (
    <FormPanel
      id="new-silence"
      title="New silence"
      submit="Silence"
      action={action}
      onSubmit={() => void submit()}
      intro={
        <p class="muted small">
          Matching events are stored but raise, escalate and notify nothing until it ends. All matchers must hold;
          `glob` takes * and ?; `in` takes a comma-separated list; a field may be metadata.&lt;key&gt;.
        </p>
      }
    >
      <MatcherFields
        id="matcher"
        legend="Matchers"
        noun="matcher"
        rows={rows}
        onChange={setRows}
        min={1}
        path="matchers"
        errors={action.fieldErrors}
      />
      <label for="silence-for">For</label>
      <select id="silence-for" value={String(hours)} onChange={(e: Event) => setHours(Number(value(e)))}>
        {DURATIONS.map((d) => (
          <option value={String(d.hours)}>{d.label}</option>
        ))}
      </select>
      <label for="silence-comment">Why</label>
      <input
        id="silence-comment"
        required
        value={comment}
        placeholder="e.g. Firewall upgrade, CHG-4821"
        onInput={(e: Event) => setComment(value(e))}
      />
    </FormPanel>
  );
}

/** `/silences`: maintenance windows, newest first; admins create and end them. */
export function SilencesPage({ query }: { query: URLSearchParams }) {
  const { session, me } = useServices();
  const state = STATES.find((s) => s === query.get("state")) ?? "";
  const fromAlert = query.get("alert");
  const [initial, setInitial] = useState<MatcherRow[]>([blankRow()]);
  const [prefillError, setPrefillError] = useState<string | null>(null);
  const {
    list,
    action: ending,
    notice,
    setNotice,
    reload,
  } = useListPage<Silence>(`/api/silences/?page_size=100${state ? `&state=${state}` : ""}`);
  const heading = usePageHeading("Silences");

  // "Silence similar": the alert's source and type, to edit before saving.
  useEffect(() => {
    if (!fromAlert || !/^[1-9][0-9]{0,15}$/.test(fromAlert)) return;
    void (async () => {
      try {
        setInitial(rowsFromAlert(await readJson<Alert>(await session.fetch(`/api/alerts/${fromAlert}/`))));
      } catch (e) {
        setPrefillError(describe(e));
      }
    })();
  }, [fromAlert, session]);

  const end = (id: number) =>
    ending.run(async () => {
      await expectNoContent(await session.fetch(`/api/silences/${id}/`, { method: "DELETE" }));
      setNotice(`Silence #${id} ended.`);
      reload();
    });

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Silences
      </h1>
      <ErrorText message={prefillError} />
      {me.role === "admin" && (
        <NewSilence
          initial={initial}
          onCreated={(s) => {
            setNotice(`Silence #${s.id} created: ${s.state}.`);
            reload();
          }}
        />
      )}
      <Notice message={notice} />
      <StateFilter label="Silence states" path="/silences" param="state" values={STATES} current={state} />
      <ErrorText message={list.error ?? ending.error} />
      <ListTable
        list={list}
        label="Silences"
        empty="No silences."
        caption="Silences, newest first"
        columns={[
          "Silence",
          "State",
          "Matchers",
          "From",
          "Until",
          "Why",
          { label: "Silenced", class: "num" },
          "By",
          ...(me.role === "admin" ? ["Action"] : []),
        ]}
      >
        {(items) =>
          items.map((s) => (
            <tr key={s.id} data-silence-id={s.id}>
              <td>#{s.id}</td>
              <td>
                <span class={`badge state-${s.state}`}>{s.state}</span>
              </td>
              <td>
                <MatcherList matchers={s.matchers} empty="—" />
              </td>
              <td>
                <Time iso={s.starts_at} />
              </td>
              <td>
                <Time iso={s.ends_at} />
              </td>
              <td class="clip">
                <Untrusted text={s.comment} />
              </td>
              <td class="num">{s.suppressed_count}</td>
              <td>{s.created_by ? <Untrusted text={s.created_by} /> : <span class="muted">—</span>}</td>
              {me.role === "admin" && (
                <td>
                  {s.state !== "expired" && (
                    <button type="button" disabled={ending.busy} onClick={() => void end(s.id)}>
                      End now
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))
        }
      </ListTable>
    </>
  );
}
