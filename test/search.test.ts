import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { searchCondition } from "../src/alerts/search";
import { ingest, openAlert } from "./factories";
import { api, createUser, db, problem, type TestUser } from "./helpers";

/** Issue 20: free-text search (`q`) and several severities at once on the alert list. */
type Page = { count?: number; next: string | null; results: { id: number; severity: string }[] };

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const tag = () => crypto.randomUUID().slice(0, 8);
const list = async (query: string) => {
  const res = await api(`/api/alerts/?page_size=100&${query}`, { token: admin.token });
  expect(res.status, query).toBe(200);
  return (await res.json()) as Page;
};
const ids = (page: Page) => page.results.map((a) => a.id).sort((a, b) => a - b);

describe("alert search, q (issue 20)", () => {
  it("finds words in the source, type or description, as case-insensitive substrings", async () => {
    const t = tag();
    const bySource = await openAlert(admin, { source_name: `fw-edge-${t}-01` });
    const byType = await openAlert(admin, { event_type: `dns_tunnel_${t}` });
    const byText = await openAlert(admin, { description: `Beacon to 203.0.113.77 from host-${t}` });
    expect(ids(await list(`q=FW-EDGE-${t}`))).toEqual([bySource]);
    expect(ids(await list(`q=tunnel_${t}`))).toEqual([byType]);
    expect(ids(await list(`q=${encodeURIComponent(`203.0.113.77 HOST-${t}`)}`))).toEqual([byText]);
    expect((await list(`q=${t}`)).count).toBe(3);
  });

  it("every word must match (in any of the fields), in any order", async () => {
    const t = tag();
    const both = await openAlert(admin, { source_name: `vpn-${t}`, description: "impossible travel Lagos" });
    await openAlert(admin, { source_name: `vpn-${t}`, description: "first login from a new country" });
    expect(ids(await list(`q=${encodeURIComponent(`lagos vpn-${t}`)}`))).toEqual([both]);
  });

  it("an alert is found by the events grouped into it, not only the one that opened it", async () => {
    const t = tag();
    const key = `campaign-${t}`;
    const alert = await openAlert(admin, { dedup_key: key, description: "first wave" });
    const grouped = await ingest(admin, { dedup_key: key, description: `second wave from ${t}-c2.example` });
    expect(grouped.alert?.id).toBe(alert);
    expect(ids(await list(`q=${t}-c2.example`))).toEqual([alert]);
  });

  it("LIKE's own characters are literal: % and _ match only themselves", async () => {
    const t = tag();
    const percent = await openAlert(admin, { description: `disk ${t} at 100% full` });
    await openAlert(admin, { description: `disk ${t} at 1000 MB` });
    expect(ids(await list(`q=${encodeURIComponent(`${t} 100%`)}`))).toEqual([percent]);
    expect((await list(`q=${encodeURIComponent(`${t} 1_0`)}`)).count).toBe(0);
  });

  it("combines with the other filters, and with cursor pages, whose cursors stay bound to q", async () => {
    const t = tag();
    const [a, b, c] = [
      await openAlert(admin, { source_name: `ids-${t}` }),
      await openAlert(admin, {
        source_name: `ids-${t}`,
        severity: "Critical",
        description: "Critical lateral movement",
      }),
      await openAlert(admin, { source_name: `ids-${t}` }),
    ];
    expect(ids(await list(`q=ids-${t}&severity=Critical`))).toEqual([b]);
    const first = await api(`/api/alerts/?q=ids-${t}&cursor=&page_size=2`, { token: admin.token });
    const page = (await first.json()) as Page;
    expect(page.results.map((r) => r.id)).toEqual([c, b]);
    const next = new URL(page.next ?? "");
    const second = (await (await api(next.pathname + next.search, { token: admin.token })).json()) as Page;
    expect(second.results.map((r) => r.id)).toEqual([a]);
    next.searchParams.set("q", `other-${t}`);
    const moved = await api(next.pathname + next.search, { token: admin.token });
    expect(moved.status).toBe(400);
    expect((await problem(moved)).detail).toMatch(/other filters/);
  });

  it("needs a word of 3 or more characters (400)", async () => {
    for (const q of ["ab", "ab cd", "   ", ""]) {
      const res = await api(`/api/alerts/?q=${encodeURIComponent(q)}`, { token: admin.token });
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(Object.keys((await problem(res)).errors as object)).toEqual(["q"]);
    }
  });

  it("spells the trigram index's expression, so the planner can serve it from the index", async () => {
    // Which index a plan picks depends on the table's size; that the expressions are the same
    // does not. PostgreSQL deparses both: the index's definition, and the condition as planned.
    const { rows: index } = await db().execute<{ def: string }>(
      sql`select pg_get_indexdef('events_alert_search_idx'::regclass) as def`,
    );
    const expression = /USING gin \(\((.*)\) gin_trgm_ops\) WHERE \(alert_id IS NOT NULL\)$/.exec(
      index[0]?.def ?? "",
    )?.[1];
    expect(expression).toMatch(/source_name.*event_type.*description/);
    const { rows: plan } = await db().execute(
      sql`explain select a.id from alerts a where ${searchCondition("fw-edge")}`,
    );
    expect(JSON.stringify(plan)).toContain(`${expression} ~~* '%fw-edge%'`);
  });
});

describe("several severities at once (issue 20)", () => {
  it("severity takes a comma-separated list; event__severity stays one value; they must agree", async () => {
    const t = tag();
    const high = await openAlert(admin, { source_name: `sev-${t}` });
    const critical = await openAlert(admin, {
      source_name: `sev-${t}`,
      severity: "Critical",
      description: "Domain admin credentials seen on a paste site",
    });
    expect(ids(await list(`q=sev-${t}&severity=High,Critical`))).toEqual([high, critical]);
    expect(ids(await list(`q=sev-${t}&severity=Critical,Critical`))).toEqual([critical]);
    expect(ids(await list(`q=sev-${t}&event__severity=High&severity=High`))).toEqual([high]);
    for (const query of ["severity=Critical&event__severity=High", "severity=High,Critical&event__severity=High"]) {
      const res = await api(`/api/alerts/?${query}`, { token: admin.token });
      expect(res.status, query).toBe(400);
    }
    expect((await api("/api/alerts/?severity=High,Bogus", { token: admin.token })).status).toBe(400);
  });
});
