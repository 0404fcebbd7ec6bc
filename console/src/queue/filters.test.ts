import { describe, expect, it } from "vitest";
import type { Alert } from "../api/types";
import { alertsRequest, filtersFrom, matches, PAGE_SIZE, queueHref, tagsFrom, tagsLeftOut } from "./filters";

const NOW = Date.parse("2026-11-24T12:00:00Z");

describe("queue filters in the console URL", () => {
  it("round-trip through the URL and name the API's parameters", () => {
    const filters = filtersFrom(
      new URLSearchParams(
        "q=ssh root&status=Open&severity=High,Critical&assignee=me&tag=pci&tag=env:prod&range=24h&page=3",
      ),
    );
    expect(filters).toEqual({
      q: "ssh root",
      status: "Open",
      severities: ["Critical", "High"],
      assignee: "me",
      tags: ["pci", "env:prod"],
      range: { kind: "preset", id: "24h" },
      page: 3,
    });
    expect(queueHref(filters)).toBe(
      "/alerts?q=ssh+root&status=Open&severity=Critical%2CHigh&assignee=me&tag=pci&tag=env%3Aprod&range=24h&page=3",
    );
    expect(alertsRequest(filters, NOW)).toBe(
      "/api/alerts/?q=ssh+root&status=Open&severity=Critical%2CHigh&assignee=me&tag=pci&tag=env%3Aprod&page=3" +
        `&created_after=2026-11-23T12%3A00%3A00.000Z&page_size=${PAGE_SIZE}`,
    );
  });

  it("a custom range is absolute, either end optional", () => {
    const filters = filtersFrom(new URLSearchParams("from=2026-11-01T00:00:00.000Z"));
    expect(filters.range).toEqual({ kind: "custom", from: "2026-11-01T00:00:00.000Z", to: null });
    expect(alertsRequest(filters, NOW)).toBe(
      `/api/alerts/?created_after=2026-11-01T00%3A00%3A00.000Z&page_size=${PAGE_SIZE}`,
    );
  });

  it("drop what the console does not offer, rather than send the API a 400", () => {
    const filters = filtersFrom(
      new URLSearchParams(`status=Bogus&severity=Low&range=2y&from=nope&page=0&x=1&tag=a!b&tag=${"x".repeat(65)}`),
    );
    expect(filters).toEqual({
      q: "",
      status: "",
      severities: [],
      assignee: "",
      tags: [],
      range: { kind: "all" },
      page: 1,
    });
    expect(queueHref(filters)).toBe("/alerts");
    // A search too short to run stays in the URL (the box shows why) but is not sent.
    expect(alertsRequest(filtersFrom(new URLSearchParams("q=ab")), NOW)).toBe(`/api/alerts/?page_size=${PAGE_SIZE}`);
  });

  it("match alerts as the server would, 'me' and 'none' included", () => {
    const alert = { status: "Open", severity: "High", assignee: "ana", created_at: "2026-11-24T11:00:00Z" } as Alert;
    const f = (query: string) => filtersFrom(new URLSearchParams(query));
    expect(matches(alert, f("assignee=me"), "ana")).toBe(true);
    expect(matches(alert, f("assignee=me"), "bob")).toBe(false);
    expect(matches(alert, f("assignee=none"), "ana")).toBe(false);
    expect(matches(alert, f("assignee=ana&status=Open&severity=High"), "bob")).toBe(true);
    expect(matches(alert, f("severity=Critical"), "ana")).toBe(false);
    expect(matches(alert, f("severity=Critical,High"), "ana")).toBe(true);
    expect(matches(alert, f("to=2026-11-24T10:00:00Z"), "ana")).toBe(false);
  });

  it("take tags as typed (case, commas, repeats) and as the API does: at most ten, all must be on the alert", () => {
    expect(tagsFrom(["PCI, env:prod  pci", "team.blue"])).toEqual(["pci", "env:prod", "team.blue"]);
    expect(tagsFrom(Array.from({ length: 12 }, (_, i) => `t${i}`))).toHaveLength(10);
    // What they leave out, said to the person who typed it.
    expect(tagsLeftOut(["PCI, bad!tag pci", "x".repeat(65)])).toEqual({
      invalid: ["bad!tag", "x".repeat(65)],
      beyond: [],
    });
    expect(tagsLeftOut([Array.from({ length: 12 }, (_, i) => `t${i}`).join(" ")])).toEqual({
      invalid: [],
      beyond: ["t10", "t11"],
    });
    expect(tagsLeftOut(["pci, env:prod"])).toEqual({ invalid: [], beyond: [] });
    const alert = { status: "Open", severity: "High", assignee: null, created_at: "2026-11-24T11:00:00Z" } as Alert;
    const f = (query: string) => filtersFrom(new URLSearchParams(query));
    expect(matches({ ...alert, tags: ["env:prod", "pci"] }, f("tag=pci&tag=env:prod"), "ana")).toBe(true);
    expect(matches({ ...alert, tags: ["pci"] }, f("tag=pci&tag=env:prod"), "ana")).toBe(false);
    expect(matches({ ...alert, tags: [] }, f(""), "ana")).toBe(true);
  });

  it("match the search on the opening event, every word, case-insensitively; a row on screen stays", () => {
    const alert = {
      status: "Open",
      severity: "High",
      assignee: null,
      created_at: "2026-11-24T11:00:00Z",
      event: { source_name: "fw-edge-01", event_type: "brute_force", description: "50 failed SSH logins for root" },
    } as Alert;
    const f = (q: string) => filtersFrom(new URLSearchParams({ q }));
    expect(matches(alert, f("FW-EDGE ssh"), "ana")).toBe(true);
    expect(matches(alert, f("fw-edge telnet"), "ana")).toBe(false);
    expect(matches(alert, f("fw-edge telnet"), "ana", true)).toBe(true);
  });

  it("hide snoozed alerts from status queues, as the server does, and only while the snooze lasts", () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    const earlier = new Date(Date.now() - 60_000).toISOString();
    const alert = (snoozed_until: string | null) =>
      ({ status: "Open", severity: "High", assignee: null, snoozed_until, created_at: earlier }) as Alert;
    const f = (query: string) => filtersFrom(new URLSearchParams(query));
    expect(matches(alert(later), f("status=Open"), "ana")).toBe(false);
    expect(matches(alert(later), f(""), "ana")).toBe(true);
    expect(matches(alert(earlier), f("status=Open"), "ana")).toBe(true);
    expect(matches(alert(null), f("status=Open"), "ana")).toBe(true);
  });
});
