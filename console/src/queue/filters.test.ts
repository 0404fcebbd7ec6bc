import { describe, expect, it } from "vitest";
import type { Alert } from "../api/types";
import { alertsRequest, filtersFrom, matches, PAGE_SIZE, queueHref } from "./filters";

describe("queue filters in the console URL", () => {
  it("round-trip through the URL and name the API's parameters", () => {
    const filters = filtersFrom(new URLSearchParams("status=Open&severity=Critical&assignee=me&page=3"));
    expect(filters).toEqual({ status: "Open", severity: "Critical", assignee: "me", page: 3 });
    expect(queueHref(filters)).toBe("/?status=Open&severity=Critical&assignee=me&page=3");
    expect(alertsRequest(filters)).toBe(
      `/api/alerts/?status=Open&severity=Critical&assignee=me&page=3&page_size=${PAGE_SIZE}`,
    );
  });

  it("drop what the console does not offer, rather than send the API a 400", () => {
    const filters = filtersFrom(new URLSearchParams("status=Bogus&severity=Low&page=0&x=1"));
    expect(filters).toEqual({ status: "", severity: "", assignee: "", page: 1 });
    expect(queueHref(filters)).toBe("/");
  });

  it("match alerts as the server would, 'me' and 'none' included", () => {
    const alert = { status: "Open", severity: "High", assignee: "ana" } as Alert;
    const f = (query: string) => filtersFrom(new URLSearchParams(query));
    expect(matches(alert, f("assignee=me"), "ana")).toBe(true);
    expect(matches(alert, f("assignee=me"), "bob")).toBe(false);
    expect(matches(alert, f("assignee=none"), "ana")).toBe(false);
    expect(matches(alert, f("assignee=ana&status=Open&severity=High"), "bob")).toBe(true);
    expect(matches(alert, f("severity=Critical"), "ana")).toBe(false);
  });

  it("hide snoozed alerts from status queues, as the server does, and only while the snooze lasts", () => {
    const later = new Date(Date.now() + 60_000).toISOString();
    const earlier = new Date(Date.now() - 60_000).toISOString();
    const alert = (snoozed_until: string | null) =>
      ({ status: "Open", severity: "High", assignee: null, snoozed_until }) as Alert;
    const f = (query: string) => filtersFrom(new URLSearchParams(query));
    expect(matches(alert(later), f("status=Open"), "ana")).toBe(false);
    expect(matches(alert(later), f(""), "ana")).toBe(true);
    expect(matches(alert(earlier), f("status=Open"), "ana")).toBe(true);
    expect(matches(alert(null), f("status=Open"), "ana")).toBe(true);
  });
});
