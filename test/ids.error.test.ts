import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, createUser, db, problem, type TestUser } from "./helpers";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

// Past PostgreSQL's `integer` (the type of api_keys.id and webhooks.id), and past a double's exact integers.
const BEYOND_INT32 = ["2147483648", "1000000000000", String(Number.MAX_SAFE_INTEGER)];

async function expect404(path: string, method = "GET") {
  const res = await api(path, { method, token: admin.token });
  expect(res.status, `${method} ${path}`).toBe(404);
  await problem(res);
}

describe("ids in paths (contract section 1: a non-integer or unknown id is 404)", () => {
  it("an id past what an API key's or a webhook's id can be is 404, never a 500, and changes nothing", async () => {
    const key = await createKey(admin, { scopes: ["ingest"] });
    const created = await api("/api/webhooks/", {
      token: admin.token,
      json: { url: "https://hooks.example.com/ids", events: ["alert.created"] },
    });
    const hook = (await created.json()) as { id: number };
    for (const id of [...BEYOND_INT32, "2147483647"]) {
      await expect404(`/api/keys/${id}/`);
      await expect404(`/api/keys/${id}/`, "DELETE");
      await expect404(`/api/webhooks/${id}/`);
      await expect404(`/api/webhooks/${id}/`, "DELETE");
      await expect404(`/api/webhooks/${id}/test/`, "POST");
      await expect404(`/api/webhooks/${id}/deliveries/`);
    }
    const { rows } = await db().execute<{ revoked: boolean; hooks: number; deliveries: number }>(sql`
      select (select revoked_at is not null from api_keys where id = ${key.id}) as revoked,
             (select count(*)::int from webhooks where id = ${hook.id}) as hooks,
             (select count(*)::int from webhook_deliveries where webhook_id = ${hook.id}) as deliveries`);
    expect(rows[0]).toEqual({ revoked: false, hooks: 1, deliveries: 0 });
  });

  it("an id past the largest exact integer is 404 on the routes of events and alerts", async () => {
    for (const id of [String(Number.MAX_SAFE_INTEGER + 2), "99999999999999999999"]) {
      for (const path of ["events", "alerts"]) await expect404(`/api/${path}/${id}/`);
      for (const list of ["events", "notes", "history"]) await expect404(`/api/alerts/${id}/${list}/`);
    }
  });
});
