import { beforeAll, describe, expect, it } from "vitest";
import { ingest, uniqueSource } from "./factories";
import { api, BASE, createUser, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
let analyst: TestUser;
const source = uniqueSource();
const ids: number[] = [];

beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
  // Sequential, so creation order is known: 5 events, the 2nd and 4th High.
  for (const severity of ["Low", "High", "Low", "High", "Medium"]) {
    ids.push((await ingest(admin, { source_name: source, severity })).id);
  }
});

type Page<T> = { count: number; next: string | null; previous: string | null; results: T[] };
const list = async (path: string, token = admin.token) => {
  const res = await api(path, { token });
  return { res, body: (await res.json()) as Page<{ id: number; severity: string; event: { source_name: string } }> };
};

describe("pagination (contract section 6)", () => {
  it("pages newest first with count, and absolute next/previous links that keep the other parameters", async () => {
    const first = await list(`/api/events/?source_name=${source}&page_size=2`);
    expect(first.res.status).toBe(200);
    expect(first.body.count).toBe(5);
    expect(first.body.results.map((e) => e.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.previous).toBeNull();
    expect(first.body.next).toBe(`${BASE}/api/events/?source_name=${source}&page_size=2&page=2`);

    const second = await list(first.body.next?.replace(BASE, "") ?? "");
    expect(second.body.results.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    // As DRF does, the link back to page 1 drops the page parameter.
    expect(second.body.previous).toBe(`${BASE}/api/events/?source_name=${source}&page_size=2`);

    const third = await list(`/api/events/?source_name=${source}&page_size=2&page=3`);
    expect(third.body.results.map((e) => e.id)).toEqual([ids[0]]);
    expect(third.body.next).toBeNull();
  });

  it("defaults to 10 per page and clamps page_size to 100, as DRF does", async () => {
    const res = await api("/api/alerts/?page_size=1000", { token: analyst.token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Page<unknown>).results.length).toBeLessThanOrEqual(100);
  });

  it("page 1 of an empty list is 200 with results []", async () => {
    const { res, body } = await list(`/api/events/?source_name=${uniqueSource()}`);
    expect(res.status).toBe(200);
    expect(body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it("a page past the end is 404", async () => {
    const res = await api(`/api/events/?source_name=${source}&page=2`, { token: admin.token });
    expect(res.status).toBe(404);
  });

  it("a malformed page or page_size is 400", async () => {
    for (const q of ["page=0", "page=abc", "page=-1", "page_size=0", "page_size=x", "page=1.5"]) {
      const res = await api(`/api/events/?${q}`, { token: admin.token });
      expect(res.status, q).toBe(400);
    }
  });

  it("filters: severity, event_type and the alert filters, each narrowing the list", async () => {
    const high = await list(`/api/events/?source_name=${source}&severity=High`);
    expect(high.body.results.map((e) => e.id)).toEqual([ids[3], ids[1]]);
    const none = await list(`/api/events/?source_name=${source}&event_type=nothing-like-this`);
    expect(none.body.count).toBe(0);

    const since = new Date(Date.now() - 60_000).toISOString();
    const alerts = await list(
      `/api/alerts/?event__severity=High&status=Open&created_after=${since}&page_size=100`,
      analyst.token,
    );
    const mine = alerts.body.results.filter((a) => a.event.source_name === source);
    expect(mine.length).toBe(2);
    const alias = await list(`/api/alerts/?severity=Medium&created_after=${since}&page_size=100`, analyst.token);
    expect(alias.body.results.every((a) => a.severity === "Medium")).toBe(true);
    const before = await list(`/api/events/?source_name=${source}&created_before=2000-01-01T00:00:00Z`);
    expect(before.body.count).toBe(0);
  });

  it("a list with its count is one database round trip", async () => {
    const res = await api("/api/alerts/?status=Open&page_size=20", { token: analyst.token });
    expect(roundTrips(res)).toBe(1);
  });
});
