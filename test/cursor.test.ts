import { beforeAll, describe, expect, it } from "vitest";
import { uniqueSource } from "./factories";
import { api, createUser, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

type Page = { next: string | null; previous: string | null; results: { id: number }[]; count?: number };
const read = async (url: string) => {
  const res = await api(url.replace(/^https?:\/\/[^/]+/, ""), { token: admin.token });
  return { res, page: (await res.json()) as Page };
};

async function ingestMany(source: string, n: number, severity = "High") {
  for (let i = 0; i < n; i++) {
    await api("/api/events/", { token: admin.token, json: { source_name: source, event_type: `t${i}`, severity } });
  }
}

describe("cursor pagination (contract section 12)", () => {
  it("walks a list newest first with Link headers, no count, and one round trip a page", async () => {
    const source = uniqueSource();
    await ingestMany(source, 5, "Low");
    const { res, page } = await read(`/api/events/?source_name=${source}&cursor=&page_size=2`);
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(1);
    expect(page).not.toHaveProperty("count");
    expect(page.previous).toBeNull();
    expect(res.headers.get("Link")).toBe(`<${page.next}>; rel="next"`);
    const second = await read(page.next ?? "");
    expect(second.res.headers.get("Link")).toContain('rel="prev"');
    const third = await read(second.page.next ?? "");
    expect(third.page.next).toBeNull();
    const ids = [...page.results, ...second.page.results, ...third.page.results].map((e) => e.id);
    expect(ids).toHaveLength(5);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    // And back: the previous link of the last page is the middle page again.
    expect((await read(third.page.previous ?? "")).page.results).toEqual(second.page.results);
  });

  it("a walk while rows are inserted neither skips nor repeats", async () => {
    const source = uniqueSource();
    await ingestMany(source, 6);
    const seen: number[] = [];
    let url: string | null = `/api/alerts/?cursor=&page_size=2&status=Open`;
    const mine = new Set<number>();
    const list = (await (
      await api(`/api/events/?source_name=${source}&page_size=100`, { token: admin.token })
    ).json()) as {
      results: { alert: { id: number } }[];
    };
    for (const e of list.results) mine.add(e.alert.id);
    let pages = 0;
    while (url && pages < 1000) {
      const { page } = await read(url);
      seen.push(...page.results.map((a) => a.id).filter((id) => mine.has(id)));
      // Other alerts arrive while the walk goes on.
      await ingestMany(uniqueSource(), 1);
      url = page.next;
      pages++;
      if (seen.length === mine.size) break;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it("a tampered, forged or transplanted cursor is 400", async () => {
    const source = uniqueSource();
    await ingestMany(source, 3, "Low");
    const { page } = await read(`/api/events/?source_name=${source}&cursor=&page_size=1`);
    const cursor = new URL(page.next ?? "").searchParams.get("cursor") ?? "";
    const [body, mac] = cursor.split(".");
    const flipped = `${body?.slice(0, -2)}${body?.endsWith("A") ? "B" : "A"}${body?.slice(-1)}.${mac}`;
    // Also a cursor not as the server writes it (the document's pattern), even if it decodes the same.
    const base64 = cursor.replaceAll("-", "+").replaceAll("_", "/");
    const respelled = [` ${cursor}`, `${body}.${mac}\n`, ...(base64 === cursor ? [] : [base64])];
    for (const bad of [flipped, `${body}.AAAAAAAAAAAAAAAAAAAAAA`, "garbage", "a.b.c", ...respelled]) {
      const res = await api(`/api/events/?source_name=${source}&cursor=${encodeURIComponent(bad)}`, {
        token: admin.token,
      });
      expect(res.status, bad).toBe(400);
    }
    const other = await api(`/api/events/?source_name=other&cursor=${encodeURIComponent(cursor)}`, {
      token: admin.token,
    });
    expect(other.status).toBe(400);
    expect((await api(`/api/events/?cursor=&page=2`, { token: admin.token })).status).toBe(400);
  });

  it("a cursor is bound to its list and its filters only: unknown parameters are ignored (issue 21, item 9)", async () => {
    const source = uniqueSource();
    await ingestMany(source, 3);
    const cursorOf = (page: Page) => encodeURIComponent(new URL(page.next ?? "").searchParams.get("cursor") ?? "");
    // The same filter on both lists: only the route tells the cursors apart.
    const alerts = await read("/api/alerts/?severity=High&cursor=&page_size=1");
    const events = await read("/api/events/?severity=High&cursor=&page_size=1");
    const alertCursor = cursorOf(alerts.page);
    const onEvents = await api(`/api/events/?severity=High&cursor=${alertCursor}`, { token: admin.token });
    expect(onEvents.status).toBe(400);
    const onAlerts = await api(`/api/alerts/?severity=High&cursor=${cursorOf(events.page)}`, { token: admin.token });
    expect(onAlerts.status).toBe(400);

    // Unknown parameters (a cache buster, a client's own marker) do not matter, nor does page_size.
    const second = await read(
      `/api/alerts/?severity=High&cursor=${alertCursor}&page_size=2&_=${Date.now()}&utm_source=x`,
    );
    expect(second.res.status).toBe(200);
    expect(second.page.results.map((a) => a.id)).toHaveLength(2);
    expect(second.page.results[0]?.id).toBeLessThan(alerts.page.results[0]?.id ?? 0);
    // The same filter written another way is the same filter (timestamps are read as instants).
    const t = await read(`/api/events/?source_name=${source}&created_after=2020-01-01T00:00:00Z&cursor=&page_size=1`);
    const sameInstant = await api(
      `/api/events/?source_name=${source}&created_after=${encodeURIComponent("2020-01-01T01:00:00+01:00")}&cursor=${cursorOf(t.page)}`,
      { token: admin.token },
    );
    expect(sameInstant.status).toBe(200);
    // A changed filter is still refused.
    const changed = await api(`/api/events/?severity=Critical&cursor=${cursorOf(events.page)}`, {
      token: admin.token,
    });
    expect(changed.status).toBe(400);
  });
});
