import type { FieldErrors } from "../api/problem";
import type { RuleTestResult } from "../api/types";

/** The samples' problems as sentences: `events.0.severity` is sample 1's severity. */
export function sampleProblems(errors: FieldErrors): string[] {
  return Object.entries(errors).flatMap(([field, messages]) => {
    const sample = /^events\.(\d+)(?:\.(.+))?$/.exec(field);
    if (sample) return messages.map((m) => `Sample ${Number(sample[1]) + 1}${sample[2] ? `, ${sample[2]}` : ""}: ${m}`);
    return field === "events" ? messages : [];
  });
}

/** The pasted samples: one event (a JSON object) or several (an array of them). */
export function parseSamples(text: string): { events: Record<string, unknown>[] } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `This is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const events: unknown[] = Array.isArray(value) ? value : [value];
  if (events.length === 0) return { problem: "Paste at least one event." };
  const isObject = (e: unknown): e is Record<string, unknown> =>
    typeof e === "object" && e !== null && !Array.isArray(e);
  if (!events.every(isObject)) return { problem: "Paste one event (a JSON object) or an array of events." };
  return { events };
}

/** A rule id as the test route gives it: a new rule under test is 0. */
export const ruleName = (id: number) => (id === 0 ? "this rule" : `rule #${id}`);

/** What storing the sample would do, in words (a joined alert is linked by the page). */
export function outcomeText(result: RuleTestResult): string {
  switch (result.outcome) {
    case "opens_alert":
      return "Opens an alert";
    case "joins_alert":
      return result.alert?.id ? "Joins alert" : "Joins the alert an earlier sample opens";
    case "silenced":
      return `Silenced by silence #${result.event.silenced_by}`;
    case "suppressed":
      return `Suppressed by ${ruleName(result.event.suppressed_by_rule ?? 0)}`;
    case "no_alert":
      return "Stored, no alert";
  }
}
