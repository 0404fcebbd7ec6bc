import { describe, expect, it } from "vitest";
import type { Rule, RuleTestResult } from "../api/types";
import { blankDraft, describeActions, describeThreshold, draftOf, placedInEditor, ruleBody, ruleErrors } from "./draft";
import { outcomeText, parseSamples, sampleProblems } from "./trial";

const rule: Rule = {
  id: 7,
  name: "Admin login brute force",
  description: "Three failures from one source",
  position: 2,
  enabled: false,
  builtin: false,
  conditions: [
    { field: "event_type", op: "in", value: ["admin_login_failed", "sudo_failed"] },
    { field: "tags", op: "exists", value: false },
    { field: "metadata.host", op: "glob", value: "db-*" },
  ],
  actions: { set_severity: "High", add_tags: ["brute", "env:prod"], stop: true },
  threshold: { count: 3, within_seconds: 300, group_by: ["source_name", "metadata.host"] },
  created_by: "admin",
  created_at: "2026-11-24T12:00:00.000000Z",
  updated_at: "2026-11-24T12:00:00.000000Z",
};

describe("a rule in the console's form", () => {
  it("round-trips a stored rule through the form unchanged", () => {
    expect(ruleBody(draftOf(rule))).toEqual({
      name: rule.name,
      description: rule.description,
      enabled: false,
      conditions: rule.conditions,
      actions: rule.actions,
      threshold: rule.threshold,
    });
  });

  it("sends only the actions ticked or filled, and a threshold unticked as null (a PATCH removes it)", () => {
    const draft = {
      ...blankDraft(),
      name: "PCI",
      addTags: "pci, zone.b  env:prod",
      dedupKey: "{source_name}:{metadata.host}",
      suppress: true,
    };
    draft.conditions = [{ field: " metadata.segment ", op: "eq", value: "pci" }];
    expect(ruleBody(draft)).toEqual({
      name: "PCI",
      description: "",
      enabled: true,
      conditions: [{ field: "metadata.segment", op: "eq", value: "pci" }],
      actions: {
        add_tags: ["pci", "zone.b", "env:prod"],
        set_dedup_key: "{source_name}:{metadata.host}",
        suppress: true,
      },
      threshold: null,
    });
  });

  it("sends a blank or unreadable number as null, so the API names the field, never as 0", () => {
    const body = ruleBody({ ...blankDraft(), threshold: true, count: "", within: "abc", groupBy: "" });
    expect(JSON.parse(JSON.stringify(body.threshold))).toEqual({ count: null, within_seconds: null });
  });

  it("places the API's field problems by the field, the test route's rule.* included, and names samples", () => {
    const errors = {
      "rule.conditions.0.value": ["Must be one of: Low, Medium, High, Critical."],
      "events.1.severity": ["Required."],
      events: ["At most 100 events."],
      rule_id: ["No rule with this id."],
    };
    expect(ruleErrors(errors)).toMatchObject({ "conditions.0.value": errors["rule.conditions.0.value"] });
    expect(Object.keys(errors).filter(placedInEditor)).toEqual([
      "rule.conditions.0.value",
      "events.1.severity",
      "events",
    ]);
    expect(placedInEditor("name")).toBe(true);
    expect(placedInEditor("threshold.count")).toBe(true);
    expect(placedInEditor("namesake")).toBe(false);
    expect(sampleProblems(errors)).toEqual(["Sample 2, severity: Required.", "At most 100 events."]);
  });

  it("takes one pasted event or an array of them, and says what is wrong with anything else", () => {
    expect(parseSamples('{"source_name": "fw-1"}')).toEqual({ events: [{ source_name: "fw-1" }] });
    expect(parseSamples('[{"a": 1}, {"b": 2}]')).toEqual({ events: [{ a: 1 }, { b: 2 }] });
    expect(parseSamples("[]")).toEqual({ problem: "Paste at least one event." });
    expect(parseSamples("[1]")).toEqual({ problem: "Paste one event (a JSON object) or an array of events." });
    expect(parseSamples("{nope")).toMatchObject({ problem: expect.stringMatching(/^This is not JSON/) });
  });

  it("says what storing a sample would do, naming a rule under test as this rule", () => {
    const result = (
      outcome: RuleTestResult["outcome"],
      fields: Partial<RuleTestResult["event"]> = {},
      alertId?: number,
    ) =>
      ({
        index: 0,
        matched: true,
        outcome,
        alert: alertId === undefined ? null : { id: alertId, dedup_key: "k" },
        event: {
          severity: "High",
          dedup_key: null,
          silenced_by: null,
          tags: [],
          rules_applied: [],
          suppressed_by_rule: null,
          ...fields,
        },
      }) as RuleTestResult;
    expect(outcomeText(result("suppressed", { suppressed_by_rule: 0 }))).toBe("Suppressed by this rule");
    expect(outcomeText(result("suppressed", { suppressed_by_rule: 4 }))).toBe("Suppressed by rule #4");
    expect(outcomeText(result("silenced", { silenced_by: 2 }))).toBe("Silenced by silence #2");
    expect(outcomeText(result("joins_alert", {}, 9))).toBe("Joins alert");
    expect(outcomeText(result("joins_alert"))).toBe("Joins the alert an earlier sample opens");
  });

  it("describes actions in the order they apply, and thresholds", () => {
    expect(describeActions({ stop: true, set_severity: "Low", add_tags: ["a", "b"] })).toEqual([
      "severity → Low",
      "add tags a, b",
      "stop",
    ]);
    expect(describeThreshold({ count: 3, within_seconds: 300, group_by: ["source_name"] })).toBe(
      "3 within 300 s per source_name",
    );
    expect(describeThreshold({ count: 5, within_seconds: 60 })).toBe("5 within 60 s");
  });
});
