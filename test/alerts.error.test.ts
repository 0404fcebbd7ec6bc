import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openAlert } from "./factories";
import { api, createUser, db, problem, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const patch = (id: number | string, body: unknown) =>
  api(`/api/alerts/${id}/`, { method: "PATCH", token: admin.token, json: body });

describe("alert errors (contract section 5)", () => {
  it("PATCH with an unknown status -> 400 naming status; the alert is unchanged", async () => {
    const id = await openAlert(admin);
    const res = await patch(id, { status: "Closed" });
    expect(res.status).toBe(400);
    expect(Object.keys(((await problem(res)) as { errors: object }).errors)).toEqual(["status"]);
    const { rows } = await db().execute<{ status: string }>(sql`select status from alerts where id = ${id}`);
    expect(rows[0]?.status).toBe("Open");
  });

  it("PATCH cannot set anything but status (unknown fields named)", async () => {
    const id = await openAlert(admin);
    const res = await patch(id, { status: "Acknowledged", severity: "Low", resolved_at: null });
    expect(res.status).toBe(400);
    expect(Object.keys(((await problem(res)) as { errors: object }).errors).sort()).toEqual([
      "resolved_at",
      "severity",
    ]);
  });

  it("PATCH of a missing alert -> 404; of a non-integer id -> 404", async () => {
    expect((await patch(999_999_999, { status: "Resolved" })).status).toBe(404);
    expect((await patch("abc", { status: "Resolved" })).status).toBe(404);
    expect((await api("/api/alerts/abc/", { token: admin.token })).status).toBe(404);
    expect((await api("/api/alerts/999999999/", { token: admin.token })).status).toBe(404);
  });

  it("PUT and DELETE on an alert -> 405 with Allow", async () => {
    const id = await openAlert(admin);
    for (const method of ["PUT", "DELETE"]) {
      const res = await api(`/api/alerts/${id}/`, { method, token: admin.token });
      expect(res.status).toBe(405);
      expect(res.headers.get("Allow")).toBe("GET, HEAD, PATCH");
    }
  });

  it("an invalid filter value -> 400", async () => {
    for (const query of [
      "status=Bogus",
      "event__severity=Severe",
      "severity=low",
      "created_after=yesterday",
      "severity=High&event__severity=Low",
    ]) {
      const res = await api(`/api/alerts/?${query}`, { token: admin.token });
      expect(res.status, query).toBe(400);
      await problem(res);
    }
  });
});
