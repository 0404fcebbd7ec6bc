import { describe, expect, it } from "vitest";
import type { Alert } from "../api/types";
import { filtersFrom, PAGE_SIZE } from "./filters";
import { applyToPage, type QueuePage } from "./live";

const alert = (id: number, fields: Partial<Alert> = {}): Alert =>
  ({
    id,
    status: "Open",
    severity: "High",
    created_at: `2026-11-24T10:00:${String(id % 60).padStart(2, "0")}.000000Z`,
    assignee: null,
    ...fields,
  }) as Alert;

const page = (ids: number[], count = ids.length): QueuePage => ({ alerts: ids.map((id) => alert(id)), count });
const ids = (p: QueuePage) => p.alerts.map((a) => a.id);
const all = filtersFrom(new URLSearchParams());
const open = filtersFrom(new URLSearchParams("status=Open"));

describe("applying stream frames to the queue on screen", () => {
  it("a created alert goes on top of page 1 and counts", () => {
    const next = applyToPage(page([5, 4, 3]), { type: "alert.created", alert: alert(6) }, all, "ana");
    expect(ids(next)).toEqual([6, 5, 4, 3]);
    expect(next.count).toBe(4);
  });

  it("a full page keeps its size: the oldest row moves on to page 2", () => {
    const full = page(
      Array.from({ length: PAGE_SIZE }, (_, i) => 40 - i),
      30,
    );
    const next = applyToPage(full, { type: "alert.created", alert: alert(41) }, all, "ana");
    expect(ids(next)).toHaveLength(PAGE_SIZE);
    expect(ids(next)[0]).toBe(41);
    expect(next.count).toBe(31);
  });

  it("a created alert that does not fit the filters is ignored", () => {
    const before = page([5, 4]);
    const resolved = alert(6, { status: "Resolved" });
    expect(applyToPage(before, { type: "alert.created", alert: resolved }, open, "ana")).toBe(before);
  });

  it("a created alert counts but does not show on a later page", () => {
    const later = filtersFrom(new URLSearchParams("page=2"));
    const next = applyToPage(page([5, 4], 22), { type: "alert.created", alert: alert(9) }, later, "ana");
    expect(ids(next)).toEqual([5, 4]);
    expect(next.count).toBe(23);
  });

  it("an update replaces the row in place", () => {
    const next = applyToPage(
      page([5, 4, 3]),
      { type: "alert.updated", alert: alert(4, { status: "Investigating" }) },
      all,
      "ana",
    );
    expect(next.alerts.map((a) => a.status)).toEqual(["Open", "Investigating", "Open"]);
    expect(next.count).toBe(3);
  });

  it("an update that leaves the filters removes the row", () => {
    const next = applyToPage(
      page([5, 4, 3]),
      { type: "alert.updated", alert: alert(4, { status: "Resolved" }) },
      open,
      "ana",
    );
    expect(ids(next)).toEqual([5, 3]);
    expect(next.count).toBe(2);
  });

  it("an assignment to me brings the alert into 'Mine', where it sorts", () => {
    const mine = filtersFrom(new URLSearchParams("assignee=me"));
    const before = { alerts: [alert(9, { assignee: "ana" }), alert(2, { assignee: "ana" })], count: 2 };
    const next = applyToPage(before, { type: "alert.updated", alert: alert(5, { assignee: "ana" }) }, mine, "ana");
    expect(ids(next)).toEqual([9, 5, 2]);
    expect(next.count).toBe(3);
  });
});

describe("rows showing a bulk action's outcome", () => {
  it("are updated in place, never removed, though they left the filters", () => {
    const next = applyToPage(
      page([5, 4, 3]),
      { type: "alert.updated", alert: alert(4, { status: "Acknowledged" }) },
      open,
      "ana",
      new Set([4]),
    );
    expect(ids(next)).toEqual([5, 4, 3]);
    expect(next.alerts[1]?.status).toBe("Acknowledged");
    expect(next.count).toBe(3);
  });
});
