import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createUser, db, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const source = () => `sensor-${crypto.randomUUID()}`;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

async function rowsFor(sourceName: string) {
  const { rows } = await db().execute<{ id: string; severity: string; alert_id: string | null; status: string | null }>(
    sql`select e.id, e.severity, a.id as alert_id, a.status from events e left join alerts a on a.event_id = e.id
        where e.source_name = ${sourceName} order by e.id`,
  );
  return rows;
}

describe("POST /api/events/ (contract section 4)", () => {
  it("stores a Low event without an alert: 201, Location, full representation", async () => {
    const source_name = source();
    const res = await api("/api/events/", {
      token: admin.token,
      json: {
        source_name: `  ${source_name}  `,
        event_type: "port_scan",
        severity: "Low",
        metadata: { src_ip: "203.0.113.7" },
      },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      source_name,
      event_type: "port_scan",
      severity: "Low",
      description: "",
      metadata: { src_ip: "203.0.113.7" },
      alert: null,
    });
    expect(body.created_at).toMatch(ISO_Z);
    expect(body.occurred_at).toBe(body.created_at);
    expect(res.headers.get("Location")).toBe(`/api/events/${body.id}/`);
    expect(await rowsFor(source_name)).toEqual([
      { id: String(body.id), severity: "Low", alert_id: null, status: null },
    ]);
  });

  for (const severity of ["High", "Critical"] as const) {
    it(`a ${severity} event raises an Open alert in the same statement (one round trip)`, async () => {
      const source_name = source();
      const res = await api("/api/events/", {
        token: admin.token,
        json: {
          source_name,
          event_type: "malware",
          severity,
          description: "Ransomware note found on file server fs-02",
        },
      });
      expect(res.status).toBe(201);
      expect(roundTrips(res)).toBe(1);
      const body = (await res.json()) as { id: number; alert: { id: number; status: string } };
      expect(body.alert).toEqual({ id: expect.any(Number), status: "Open" });
      const rows = await rowsFor(source_name);
      expect(rows).toEqual([{ id: String(body.id), severity, alert_id: String(body.alert.id), status: "Open" }]);
    });
  }

  it("keeps occurred_at as given, normalised to UTC", async () => {
    const res = await api("/api/events/", {
      token: admin.token,
      json: { source_name: source(), event_type: "x", severity: "Medium", occurred_at: "2026-01-02T05:04:05.5+02:00" },
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { occurred_at: string }).occurred_at).toBe("2026-01-02T03:04:05.500000Z");
  });

  it("round-trips hostile but valid text unchanged", async () => {
    const hostile = "'; drop table events; -- <script>alert(1)</script> 🛡️🔥 \\u0000 é";
    const source_name = source();
    const res = await api("/api/events/", {
      token: admin.token,
      json: {
        source_name,
        event_type: hostile.slice(0, 100),
        severity: "Low",
        description: hostile,
        metadata: { hostile },
      },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number };
    const read = await api(`/api/events/${body.id}/`, { token: admin.token });
    expect(await read.json()).toMatchObject({
      description: hostile,
      metadata: { hostile },
      event_type: hostile.slice(0, 100),
    });
  });
});
