import { useEffect, useState } from "hono/jsx/dom";
import { describe } from "../api/problem";
import { expectNoContent, readJson } from "../api/session";
import { type Alert, MATCHER_FIELDS, MATCHER_OPS, type MatcherOp, type Silence } from "../api/types";
import { useServices } from "../context";
import { ErrorText, Notice, Time, Untrusted } from "../ui/bits";
import { FormPanel } from "../ui/FormPanel";
import { ListTable } from "../ui/ListTable";
import { StateFilter } from "../ui/StateFilter";
import { useAction } from "../ui/use-action";
import { useListPage } from "../ui/use-list-page";
import { usePageHeading } from "../ui/use-page-heading";
import { describeMatcher, type MatcherRow, rowsFromAlert, toMatchers } from "./matchers";

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
  const action = useAction();
  useEffect(() => setRows(initial), [initial]);

  const edit = (index: number, patch: Partial<MatcherRow>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...patch } : row)));
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
        <>
          <p class="muted small">
            Matching events are stored but raise, escalate and notify nothing until it ends. All matchers must hold;
            `glob` takes * and ?; `in` takes a comma-separated list; a field may be metadata.&lt;key&gt;.
          </p>
          <datalist id="matcher-fields">
            {MATCHER_FIELDS.map((f) => (
              <option value={f} />
            ))}
          </datalist>
        </>
      }
    >
      <fieldset class="matchers">
        <legend>Matchers</legend>
        {rows.map((row, i) => (
          <div class="matcher-row" key={i}>
            <label for={`matcher-field-${i}`} class="sr-only">
              Field {i + 1}
            </label>
            <input
              id={`matcher-field-${i}`}
              list="matcher-fields"
              value={row.field}
              onInput={(e: Event) => edit(i, { field: value(e) })}
            />
            <label for={`matcher-op-${i}`} class="sr-only">
              Operator {i + 1}
            </label>
            <select
              id={`matcher-op-${i}`}
              value={row.op}
              onChange={(e: Event) => edit(i, { op: value(e) as MatcherOp })}
            >
              {MATCHER_OPS.map((op) => (
                <option value={op}>{op}</option>
              ))}
            </select>
            <label for={`matcher-value-${i}`} class="sr-only">
              Value {i + 1}
            </label>
            <input id={`matcher-value-${i}`} value={row.value} onInput={(e: Event) => edit(i, { value: value(e) })} />
            <button
              type="button"
              disabled={rows.length === 1}
              onClick={() => setRows((current) => current.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          disabled={rows.length >= 10}
          onClick={() => setRows((current) => [...current, { field: "source_name", op: "eq", value: "" }])}
        >
          Add a matcher
        </button>
      </fieldset>
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
  const [initial, setInitial] = useState<MatcherRow[]>([{ field: "source_name", op: "eq", value: "" }]);
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
                <ul class="plain">
                  {s.matchers.map((m) => (
                    <li>
                      <code>
                        <Untrusted text={describeMatcher(m)} />
                      </code>
                    </li>
                  ))}
                </ul>
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
