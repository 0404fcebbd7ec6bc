import { type FieldErrors, isUnder } from "../api/problem";
import type { Matcher, Rule, RuleActions, Severity, Threshold } from "../api/types";
import { blankRow, type MatcherRow, toMatchers, toRows } from "../matchers/matchers";

/** A rule as its form edits it: text where the API takes lists and numbers. */
export type RuleDraft = {
  name: string;
  description: string;
  enabled: boolean;
  conditions: MatcherRow[];
  severity: Severity | "";
  /** Tags to add, separated by spaces or commas. */
  addTags: string;
  dedupKey: string;
  suppress: boolean;
  alert: boolean;
  stop: boolean;
  threshold: boolean;
  count: string;
  within: string;
  /** Fields, separated by spaces or commas. */
  groupBy: string;
};

/** What the API takes for a rule (POST, PATCH, and the test route's `rule`). */
export type RuleBody = {
  name: string;
  description: string;
  enabled: boolean;
  conditions: Matcher[];
  actions: RuleActions;
  threshold: Threshold | null;
};

export const blankDraft = (): RuleDraft => ({
  name: "",
  description: "",
  enabled: true,
  conditions: [blankRow()],
  severity: "",
  addTags: "",
  dedupKey: "",
  suppress: false,
  alert: false,
  stop: false,
  threshold: false,
  count: "3",
  within: "300",
  groupBy: "source_name",
});

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);
/** A number field: blank is no number (the API then names the field), never 0. */
const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

export function draftOf(rule: Rule): RuleDraft {
  const { actions, threshold } = rule;
  const blank = blankDraft();
  return {
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    conditions: toRows(rule.conditions),
    severity: actions.set_severity ?? "",
    addTags: (actions.add_tags ?? []).join(" "),
    dedupKey: actions.set_dedup_key ?? "",
    suppress: actions.suppress === true,
    alert: actions.alert === true,
    stop: actions.stop === true,
    // Without a threshold, the blank draft's, should one be ticked.
    ...(threshold
      ? {
          threshold: true,
          count: String(threshold.count),
          within: String(threshold.within_seconds),
          groupBy: (threshold.group_by ?? []).join(", "),
        }
      : { threshold: false, count: blank.count, within: blank.within, groupBy: blank.groupBy }),
  };
}

/**
 * The draft as the API takes it, every field given, so a PATCH replaces the rule's logic as a
 * whole (a threshold unticked is `null`: removed). Numbers the API cannot read go as `null`, and
 * its 400 names the field.
 */
export function ruleBody(draft: RuleDraft): RuleBody {
  const actions: RuleActions = {};
  if (draft.severity) actions.set_severity = draft.severity;
  const tags = words(draft.addTags);
  if (tags.length) actions.add_tags = tags;
  if (draft.dedupKey.trim()) actions.set_dedup_key = draft.dedupKey;
  if (draft.suppress) actions.suppress = true;
  if (draft.alert) actions.alert = true;
  if (draft.stop) actions.stop = true;
  const groupBy = words(draft.groupBy);
  return {
    name: draft.name,
    description: draft.description,
    enabled: draft.enabled,
    conditions: toMatchers(draft.conditions),
    actions,
    threshold: draft.threshold
      ? {
          count: numberOf(draft.count),
          within_seconds: numberOf(draft.within),
          ...(groupBy.length ? { group_by: groupBy } : {}),
        }
      : null,
  };
}

/** The rule's fields, where the editor shows their problems (the test route names them under `rule.`). */
const RULE_FIELDS = ["name", "description", "enabled", "conditions", "actions", "threshold"];

/** The API's field problems with the test route's `rule.` taken off, as the editor's fields are named. */
export function ruleErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([field, messages]) => [field.replace(/^rule\./, ""), messages]),
  );
}

/** Whether the editor shows `field`'s problems next to a field of its own (the rule's, or the samples'). */
export function placedInEditor(field: string): boolean {
  return isUnder(field, "events") || RULE_FIELDS.some((f) => isUnder(field.replace(/^rule\./, ""), f));
}

/** A rule's actions as short phrases, in the order they apply. */
export function describeActions(actions: RuleActions): string[] {
  const phrases: string[] = [];
  if (actions.set_severity) phrases.push(`severity → ${actions.set_severity}`);
  if (actions.add_tags) phrases.push(`add tags ${actions.add_tags.join(", ")}`);
  if (actions.set_dedup_key) phrases.push(`dedup key ${actions.set_dedup_key}`);
  if (actions.suppress) phrases.push("suppress");
  if (actions.alert) phrases.push("alert");
  if (actions.stop) phrases.push("stop");
  return phrases;
}

export function describeThreshold(threshold: Threshold): string {
  const per = threshold.group_by?.length ? ` per ${threshold.group_by.join(", ")}` : "";
  return `${threshold.count} within ${threshold.within_seconds} s${per}`;
}
