import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openAlert } from "./factories";
import { api, createUser, db, roundTrips, type TestUser } from "./helpers";

let admin: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
});

type Alert = {
  id: number;
  status: string;
  severity: string;
  updated_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  event: { id: number; alert: { id: number; status: string } };
};

const patch = (id: number, status: string, token = admin.token) =>
  api(`/api/alerts/${id}/`, { method: "PATCH", token, json: { status } });

async function alertRow(id: number) {
  const { rows } = await db().execute<{ status: string; acknowledged_at: string | null; resolved_at: string | null }>(
    sql`select status, acknowledged_at, resolved_at from alerts where id = ${id}`,
  );
  return rows[0];
}

describe("alerts (contract section 5)", () => {
  it("an analyst reads an alert with its full event nested, in one round trip", async () => {
    const id = await openAlert(admin, { metadata: { host: "db-1" } });
    const res = await api(`/api/alerts/${id}/`, { token: analyst.token });
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(1);
    const alert = (await res.json()) as Alert;
    expect(alert).toMatchObject({ id, status: "Open", severity: "High", acknowledged_at: null, resolved_at: null });
    expect(alert.event).toMatchObject({ severity: "High", metadata: { host: "db-1" }, alert: { id, status: "Open" } });
  });

  it("PATCH moves Open -> Acknowledged -> Investigating -> Resolved, stamping acknowledged_at and resolved_at", async () => {
    const id = await openAlert(admin);
    const ack = await patch(id, "Acknowledged");
    expect(ack.status).toBe(200);
    expect(roundTrips(ack)).toBe(1); // the change, its history and its ETag: one statement
    const acknowledged = (await ack.json()) as Alert;
    expect(acknowledged.status).toBe("Acknowledged");
    expect(acknowledged.acknowledged_at).not.toBeNull();

    const inv = (await (await patch(id, "Investigating")).json()) as Alert;
    expect(inv.acknowledged_at).toBe(acknowledged.acknowledged_at);

    const resolved = (await (await patch(id, "Resolved")).json()) as Alert;
    expect(resolved).toMatchObject({ status: "Resolved", acknowledged_at: acknowledged.acknowledged_at });
    expect(resolved.resolved_at).not.toBeNull();
    expect(await alertRow(id)).toMatchObject({ status: "Resolved" });
  });

  it("PATCH to the current status is a 200 no-op that leaves updated_at alone", async () => {
    const id = await openAlert(admin);
    const before = (await (await api(`/api/alerts/${id}/`, { token: admin.token })).json()) as Alert;
    const res = await patch(id, "Open");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(before);
  });

  it("a resolved alert cannot be reopened (409) and stays as it was", async () => {
    const id = await openAlert(admin);
    const resolved = (await (await patch(id, "Resolved")).json()) as Alert;
    for (const status of ["Open", "Acknowledged", "Investigating"]) {
      const res = await patch(id, status);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ status: 409, type: "urn:vigil:problem:conflict" });
    }
    const after = (await (await api(`/api/alerts/${id}/`, { token: admin.token })).json()) as Alert;
    expect(after).toEqual(resolved);
  });

  it("16 concurrent PATCHes mixing Resolved and Acknowledged always end Resolved", async () => {
    const id = await openAlert(admin);
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => patch(id, i % 2 ? "Resolved" : "Acknowledged")),
    );
    for (const res of results) expect([200, 409]).toContain(res.status);
    const row = await alertRow(id);
    expect(row?.status).toBe("Resolved");
    expect(row?.resolved_at).not.toBeNull();
  });
});
