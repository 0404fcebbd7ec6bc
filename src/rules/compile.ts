import {
  type CompiledMatcher,
  compileMatchers,
  type FieldSpec,
  fieldSpec,
  type Matcher,
  writtenMatchers,
} from "../matchers/language";
import type { RuleActions, Threshold } from "./schemas";
import { parseTemplate, type TemplatePart } from "./template";

/**
 * A rule in the one form `vigil_evaluate` reads (drizzle/0009_rules.sql), stored beside what the
 * admin wrote: `c` the conditions (compiled matchers), `a` the actions (the template as parts),
 * `t` the threshold (`n` events within `w` seconds, grouped by the fields `g`) or null.
 */
export type CompiledRule = {
  c: CompiledMatcher[];
  a: Omit<RuleActions, "set_dedup_key"> & { set_dedup_key?: TemplatePart[] };
  t: { n: number; w: number; g: FieldSpec[] } | null;
};

export type WrittenRule = { conditions: Matcher[]; actions: RuleActions; threshold: Threshold | null };

export function compileRule(rule: WrittenRule): CompiledRule {
  const { set_dedup_key, ...actions } = rule.actions;
  const template = set_dedup_key === undefined ? undefined : parseTemplate(set_dedup_key);
  if (template && "problem" in template) throw new Error(`unchecked template: ${template.problem}`);
  return {
    c: compileMatchers(rule.conditions),
    a: template ? { ...actions, set_dedup_key: template.parts } : actions,
    t: rule.threshold
      ? { n: rule.threshold.count, w: rule.threshold.within_seconds, g: (rule.threshold.group_by ?? []).map(fieldSpec) }
      : null,
  };
}

/** A rule as stored: what the admin wrote (exists' value and an empty group_by spelled out) and its compiled form. */
export type StoredRule = WrittenRule & { compiled: CompiledRule };

export function writtenRule(rule: WrittenRule): StoredRule {
  const written: WrittenRule = {
    conditions: writtenMatchers(rule.conditions),
    actions: rule.actions,
    threshold: rule.threshold && { ...rule.threshold, group_by: rule.threshold.group_by ?? [] },
  };
  return { ...written, compiled: compileRule(written) };
}
