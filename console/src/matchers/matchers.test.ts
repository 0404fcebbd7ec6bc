import { describe, expect, it } from "vitest";
import { blankRow, describeMatcher, editRow, toMatchers, toRows } from "./matchers";

describe("matchers in a form", () => {
  it("edit `in` as a comma-separated list and `exists` as yes or no, and read back what they stored", () => {
    const rows = [
      { field: "tags", op: "in" as const, value: "pci, , env:prod " },
      { field: "dedup_key", op: "exists" as const, value: "false" },
      { field: "tags", op: "exists" as const, value: "true" },
    ];
    const matchers = toMatchers(rows);
    expect(matchers).toEqual([
      { field: "tags", op: "in", value: ["pci", "env:prod"] },
      { field: "dedup_key", op: "exists", value: false },
      { field: "tags", op: "exists", value: true },
    ]);
    expect(toMatchers(toRows(matchers))).toEqual(matchers);
  });

  it("a change of op to or from exists resets a value that no longer fits; other edits keep it", () => {
    const row = { ...blankRow(), value: "fw-1" };
    const exists = editRow(row, { op: "exists" });
    expect(exists).toEqual({ field: "source_name", op: "exists", value: "true" });
    expect(editRow(exists, { op: "eq" }).value).toBe("");
    expect(editRow(row, { op: "glob" }).value).toBe("fw-1");
  });

  it("describe each op in a line", () => {
    expect(describeMatcher({ field: "source_name", op: "ne", value: "fw-1" })).toBe("source_name ≠ fw-1");
    expect(describeMatcher({ field: "event_type", op: "in", value: ["a", "b"] })).toBe("event_type in (a, b)");
    expect(describeMatcher({ field: "tags", op: "exists", value: true })).toBe("tags exists");
    expect(describeMatcher({ field: "dedup_key", op: "exists", value: false })).toBe("dedup_key is absent");
  });
});
