import { useState } from "hono/jsx/dom";
import { expectNoContent, readJson } from "../api/session";
import type { Rule } from "../api/types";
import { useServices } from "../context";
import { MatcherList } from "../matchers/MatcherList";
import { ErrorText, Notice, Untrusted } from "../ui/bits";
import { ConfirmButton } from "../ui/ConfirmButton";
import { ListTable } from "../ui/ListTable";
import { useListPage } from "../ui/use-list-page";
import { usePageHeading } from "../ui/use-page-heading";
import { describeActions, describeThreshold } from "./draft";
import { RuleEditor } from "./RuleEditor";

/** What an admin can do to the rule in row `i` of `rules` (in evaluation order). */
function moves(rules: Rule[], i: number): { up: boolean; down: boolean } {
  const rule = rules[i];
  const next = rules[i + 1];
  if (!rule || rule.builtin) return { up: false, down: false };
  return { up: rule.position > 1, down: next !== undefined && !next.builtin };
}

function RuleCells({ rule }: { rule: Rule }) {
  const actions = describeActions(rule.actions);
  return (
    <>
      <td class="num">{rule.position}</td>
      <td class="rule-name">
        <span class="muted">#{rule.id}</span> <Untrusted text={rule.name} />
        {rule.builtin && <span class="badge builtin">built-in</span>}
        {rule.description && (
          <p class="muted small">
            <Untrusted text={rule.description} />
          </p>
        )}
      </td>
      <td>
        <span class={`badge ${rule.enabled ? "rule-enabled" : "rule-disabled"}`}>
          {rule.enabled ? "enabled" : "disabled"}
        </span>
      </td>
      <td>
        <MatcherList matchers={rule.conditions} empty="every event" />
      </td>
      <td>
        {actions.length === 0 ? (
          <span class="muted">—</span>
        ) : (
          <ul class="plain">
            {actions.map((a) => (
              <li>
                <Untrusted text={a} />
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>{rule.threshold ? describeThreshold(rule.threshold) : <span class="muted">—</span>}</td>
    </>
  );
}

/**
 * `/rules`: the event rules in evaluation order, the built-in one last. Admins create, edit,
 * test, move, enable or disable and delete them; analysts read them (the API refuses their writes).
 */
export function RulesPage() {
  const { session, me } = useServices();
  const admin = me.role === "admin";
  const { list, action, notice, setNotice, reload } = useListPage<Rule>("/api/rules/?page_size=100");
  // The rule being edited, "new" for a new one, null when the editor is closed.
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const heading = usePageHeading("Rules");

  // Each change is read back with the list, whether it worked or not: a 409 means it moved meanwhile.
  const change = async (work: () => Promise<string>) => {
    await action.run(async () => setNotice(await work()));
    reload();
  };
  const patch = (rule: Rule, body: Partial<Pick<Rule, "position" | "enabled">>, done: string) =>
    change(async () => {
      await readJson<Rule>(await session.json(`/api/rules/${rule.id}/`, "PATCH", body));
      return done;
    });
  const remove = (rule: Rule) =>
    change(async () => {
      await expectNoContent(await session.fetch(`/api/rules/${rule.id}/`, { method: "DELETE" }));
      if (editing !== "new" && editing?.id === rule.id) setEditing(null);
      return `Rule #${rule.id} deleted; the rules after it moved up.`;
    });

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Rules
      </h1>
      <p class="muted">
        Every event a sensor sends runs through the enabled rules in this order, then the built-in rule, in the same
        statement that stores it. {!admin && "Admins change them."}
      </p>
      {admin &&
        (editing ? (
          <RuleEditor
            key={editing === "new" ? "new" : editing.id}
            rule={editing === "new" ? null : editing}
            onCancel={() => setEditing(null)}
            onSaved={(rule, created) => {
              setEditing(null);
              setNotice(`Rule #${rule.id} ${created ? "created" : "saved"}: ${rule.name}.`);
              reload();
            }}
          />
        ) : (
          <p>
            <button type="button" class="primary" onClick={() => setEditing("new")}>
              New rule
            </button>
          </p>
        ))}
      <Notice message={notice} />
      <ErrorText message={list.error ?? action.error} />
      <ListTable
        list={list}
        label="Rules"
        empty="No rules."
        caption="Rules in evaluation order"
        columns={[
          { label: "Order", class: "num" },
          "Rule",
          "State",
          "Conditions",
          "Actions",
          "Threshold",
          ...(admin ? ["Manage"] : []),
        ]}
      >
        {(rules) =>
          rules.map((rule, i) => {
            const can = moves(rules, i);
            return (
              <tr key={rule.id} data-rule-id={rule.id} class={rule.enabled ? undefined : "disabled-rule"}>
                <RuleCells rule={rule} />
                {admin && (
                  <td>
                    <div class="actions">
                      {!rule.builtin && (
                        <>
                          <button
                            type="button"
                            disabled={action.busy || !can.up}
                            onClick={() =>
                              void patch(rule, { position: rule.position - 1 }, `Rule #${rule.id} moved up.`)
                            }
                          >
                            Move up
                          </button>
                          <button
                            type="button"
                            disabled={action.busy || !can.down}
                            onClick={() =>
                              void patch(rule, { position: rule.position + 1 }, `Rule #${rule.id} moved down.`)
                            }
                          >
                            Move down
                          </button>
                        </>
                      )}
                      <button
                        type="button"
                        disabled={action.busy}
                        onClick={() =>
                          void patch(
                            rule,
                            { enabled: !rule.enabled },
                            `Rule #${rule.id} ${rule.enabled ? "disabled" : "enabled"}.`,
                          )
                        }
                      >
                        {rule.enabled ? "Disable" : "Enable"}
                      </button>
                      <button type="button" onClick={() => setEditing(rule)}>
                        Edit
                      </button>
                      {!rule.builtin && (
                        <ConfirmButton
                          label="Delete"
                          confirm="Delete now"
                          disabled={action.busy}
                          onConfirm={() => void remove(rule)}
                        />
                      )}
                    </div>
                  </td>
                )}
              </tr>
            );
          })
        }
      </ListTable>
    </>
  );
}
