import { describe, expect, it } from "vitest";
import type { Alert, Stats } from "../api/types";
import { countCreated } from "./live";
import { type DashboardView, viewFrom } from "./view";

const NOW = Date.parse("2026-11-24T12:30:00Z");
const view: DashboardView = viewFrom(new URLSearchParams("range=24h"), NOW);

const stats = (): Stats => ({
  total: 3,
  by_status: { Open: 2, Acknowledged: 1, Investigating: 0, Resolved: 0 },
  by_severity: { High: 2, Critical: 1 },
  unassigned_open: 2,
  mean_seconds_to_acknowledge: 60,
  mean_seconds_to_resolve: null,
  series: [
    {
      start: "2026-11-24T11:00:00.000000Z",
      total: 3,
      by_severity: { High: 2, Critical: 1 },
      mean_seconds_to_acknowledge: 60,
      mean_seconds_to_resolve: null,
    },
  ],
  groups: {
    source_name: [
      { key: "fw-1", count: 2 },
      { key: "fw-2", count: 1 },
    ],
    event_type: [{ key: "port_scan", count: 3 }],
    tag: [{ key: "pci", count: 1 }],
  },
});

const alert = (fields: Partial<Alert> = {}, event: Partial<Alert["event"]> = {}) =>
  ({
    status: "Open",
    severity: "Critical",
    assignee: null,
    created_at: "2026-11-24T12:10:00.000000Z",
    event: { source_name: "fw-2", event_type: "dcsync", ...event },
    tags: [],
    ...fields,
  }) as Alert;

describe("counting a newly raised alert on the dashboard", () => {
  it("counts it in the totals, its status, severity, bucket (a new hour begun) and groups", () => {
    const next = countCreated(stats(), alert(), view, NOW);
    expect(next).toMatchObject({
      total: 4,
      by_status: { Open: 3 },
      by_severity: { High: 2, Critical: 2 },
      unassigned_open: 3,
      mean_seconds_to_acknowledge: 60,
    });
    expect(next.series?.map((b) => [b.start, b.total, b.by_severity.Critical])).toEqual([
      ["2026-11-24T11:00:00.000000Z", 3, 1],
      ["2026-11-24T12:00:00.000000Z", 1, 1],
    ]);
    expect(next.groups?.source_name).toEqual([
      { key: "fw-1", count: 2 },
      { key: "fw-2", count: 2 },
    ]);
    expect(next.groups?.event_type).toEqual([
      { key: "port_scan", count: 3 },
      { key: "dcsync", count: 1 },
    ]);
  });

  it("counts it once in each of its tags, and an untagged one in none", () => {
    expect(countCreated(stats(), alert({ tags: ["env:prod", "pci"] }), view, NOW).groups?.tag).toEqual([
      { key: "pci", count: 2 },
      { key: "env:prod", count: 1 },
    ]);
    expect(countCreated(stats(), alert(), view, NOW).groups?.tag).toEqual([{ key: "pci", count: 1 }]);
  });

  it("an assigned or already moved alert is not 'unassigned open'; one outside the range counts nowhere", () => {
    expect(countCreated(stats(), alert({ assignee: "ana" }), view, NOW).unassigned_open).toBe(2);
    const before = stats();
    expect(countCreated(before, alert({ created_at: "2026-11-20T00:00:00.000000Z" }), view, NOW)).toBe(before);
  });

  it("a full top list keeps its members: a new key joins only while there is room", () => {
    const full = stats();
    full.groups = { source_name: Array.from({ length: 10 }, (_, i) => ({ key: `s${i}`, count: 5 })) };
    const next = countCreated(full, alert({}, { source_name: "newcomer" }), view, NOW);
    expect(next.groups?.source_name?.map((g) => g.key)).not.toContain("newcomer");
  });
});
