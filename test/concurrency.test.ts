import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { uniqueSource } from "./factories";
import { api, createUser, db } from "./helpers";

describe("concurrent ingest (contract section 4)", () => {
  it("100 concurrent ingests, half High, give exactly 100 events and exactly 50 alerts", async () => {
    const admin = await createUser("admin");
    const source_name = uniqueSource();
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        api("/api/events/", {
          token: admin.token,
          json: { source_name, event_type: "flood", severity: i % 2 ? "High" : "Low" },
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(201));
    const { rows } = await db().execute<{ events: number; alerts: number; open: number }>(sql`
      select count(distinct e.id)::int as events, count(a.id)::int as alerts,
             count(a.id) filter (where a.status = 'Open')::int as open
      from events e left join alerts a on a.event_id = e.id where e.source_name = ${source_name}`);
    expect(rows[0]).toEqual({ events: 100, alerts: 50, open: 50 });
  });
});
