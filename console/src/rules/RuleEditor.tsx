import { useEffect, useState } from "hono/jsx/dom";
import { messagesAt } from "../api/problem";
import { readJson } from "../api/session";
import { type Rule, SEVERITIES, type Severity } from "../api/types";
import { useServices } from "../context";
import { MatcherFields } from "../matchers/MatcherFields";
import { describedBy, FieldError } from "../ui/bits";
import { FormPanel } from "../ui/FormPanel";
import { useAction } from "../ui/use-action";
import { blankDraft, draftOf, placedInEditor, type RuleDraft, ruleBody, ruleErrors } from "./draft";
import { RuleTrial } from "./RuleTrial";

type Flag = "enabled" | "suppress" | "alert" | "stop" | "threshold";

/**
 * Admins: a new rule (`rule` null) or a change to one; the built-in rule too (anything but its
 * place). Saving sends the whole draft (POST, or PATCH of every field but the position); "Try
 * it" tests the draft without saving. The API's problems show next to the fields they name.
 */
export function RuleEditor({
  rule,
  onSaved,
  onCancel,
}: {
  rule: Rule | null;
  onSaved: (rule: Rule, created: boolean) => void;
  onCancel: () => void;
}) {
  const { session } = useServices();
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? draftOf(rule) : blankDraft()));
  // Save and test are one action at a time, and either one's problems show by the fields.
  const action = useAction(placedInEditor);
  const errors = ruleErrors(action.fieldErrors);
  const at = (path: string) => messagesAt(errors, path);

  useEffect(() => {
    document.getElementById("rule-name")?.focus();
  }, []);

  const set = (patch: Partial<RuleDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const text = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
  const ticked = (e: Event) => (e.target as HTMLInputElement).checked;
  // A checkbox, and its problems (`path` in the API's words).
  const flag = (name: Flag, label: string, hint: string, problems: string[] = []) => (
    <>
      <label class="check">
        <input
          type="checkbox"
          checked={draft[name]}
          onChange={(e: Event) => set({ [name]: ticked(e) })}
          {...describedBy(`rule-${name}-problems`, problems)}
        />
        {label} <span class="muted small">{hint}</span>
      </label>
      <FieldError id={`rule-${name}-problems`} messages={problems} />
    </>
  );
  // A labelled text (or number) field, and its problems.
  const field = (props: {
    id: string;
    label: string;
    path: string;
    value: string;
    onInput: (value: string) => Partial<RuleDraft>;
    placeholder?: string;
    type?: "number";
  }) => (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type}
        value={props.value}
        placeholder={props.placeholder}
        onInput={(e: Event) => set(props.onInput(text(e)))}
        {...describedBy(`${props.id}-problems`, at(props.path))}
      />
      <FieldError id={`${props.id}-problems`} messages={at(props.path)} />
    </div>
  );

  const save = () =>
    action.run(async () => {
      const body = ruleBody(draft);
      const res = rule
        ? await session.json(`/api/rules/${rule.id}/`, "PATCH", body)
        : await session.json("/api/rules/", "POST", body);
      onSaved(await readJson<Rule>(res), rule === null);
    });

  const actionProblems = errors.actions ?? [];
  return (
    <FormPanel
      id="rule-editor"
      class="rule-editor"
      title={rule ? `Edit rule #${rule.id}${rule.builtin ? " (built-in)" : ""}` : "New rule"}
      submit={rule ? "Save rule" : "Create rule"}
      action={action}
      onSubmit={() => void save()}
      onCancel={onCancel}
      intro={
        <p class="muted small">
          Conditions use the silences' matchers, plus the field <code>tags</code> and the op <code>exists</code>; all
          must hold. When they do, the actions apply in the order listed.
          {rule?.builtin && " The built-in rule always runs last: it can change, but not move."}
        </p>
      }
    >
      {field({
        id: "rule-name",
        label: "Name",
        path: "name",
        value: draft.name,
        onInput: (name) => ({ name }),
        placeholder: "e.g. Scanner port scans are Low",
      })}
      {field({
        id: "rule-description",
        label: "Description",
        path: "description",
        value: draft.description,
        onInput: (description) => ({ description }),
        placeholder: "optional",
      })}
      {flag("enabled", "Enabled", "(evaluated on every ingest)", at("enabled"))}
      <MatcherFields
        id="condition"
        legend="Conditions (all must hold)"
        noun="condition"
        rows={draft.conditions}
        onChange={(conditions) => set({ conditions })}
        min={0}
        path="conditions"
        errors={errors}
      />
      <fieldset class="rule-actions" aria-describedby={actionProblems.length ? "rule-actions-problems" : undefined}>
        <legend>Actions (applied in this order)</legend>
        <div class="field">
          <label for="rule-severity">Set severity</label>
          <select
            id="rule-severity"
            value={draft.severity}
            onChange={(e: Event) => set({ severity: text(e) as Severity | "" })}
            {...describedBy("rule-severity-problems", at("actions.set_severity"))}
          >
            <option value="">keep it</option>
            {SEVERITIES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
          <FieldError id="rule-severity-problems" messages={at("actions.set_severity")} />
        </div>
        {field({
          id: "rule-tags",
          label: "Add tags",
          path: "actions.add_tags",
          value: draft.addTags,
          onInput: (addTags) => ({ addTags }),
          placeholder: "pci env:prod",
        })}
        {field({
          id: "rule-dedup-key",
          label: "Set dedup key",
          path: "actions.set_dedup_key",
          value: draft.dedupKey,
          onInput: (dedupKey) => ({ dedupKey }),
          placeholder: "{source_name}:{event_type}:{metadata.host}",
        })}
        {flag("suppress", "Suppress", "(store the event, raise nothing)", at("actions.suppress"))}
        {flag("alert", "Alert", "(open an alert, or join the open one with its dedup key)", at("actions.alert"))}
        {flag("stop", "Stop", "(no later rule looks at the event)", at("actions.stop"))}
        <FieldError id="rule-actions-problems" messages={actionProblems} />
      </fieldset>
      <fieldset class="rule-threshold">
        <legend>Threshold</legend>
        {flag(
          "threshold",
          "Only when enough matching events arrive in a window",
          "(it then opens its own alert)",
          errors.threshold,
        )}
        {draft.threshold && (
          <div class="threshold-fields">
            {field({
              id: "rule-count",
              label: "Count",
              path: "threshold.count",
              value: draft.count,
              onInput: (count) => ({ count }),
              type: "number",
            })}
            {field({
              id: "rule-within",
              label: "Within (s)",
              path: "threshold.within_seconds",
              value: draft.within,
              onInput: (within) => ({ within }),
              type: "number",
            })}
            {field({
              id: "rule-group-by",
              label: "Group by",
              path: "threshold.group_by",
              value: draft.groupBy,
              onInput: (groupBy) => ({ groupBy }),
              placeholder: "source_name, metadata.host",
            })}
          </div>
        )}
      </fieldset>
      <RuleTrial action={action} request={() => ({ ...(rule ? { rule_id: rule.id } : {}), rule: ruleBody(draft) })} />
    </FormPanel>
  );
}
