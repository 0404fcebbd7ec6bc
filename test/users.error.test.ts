import { beforeAll, describe, expect, it } from "vitest";
import { api, createUser, problem, type TestUser } from "./helpers";
import { auditOf } from "./stored";

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const createUserAs = (json: unknown) => api("/api/users/", { token: admin.token, json });

describe("users over HTTP: refusals leave nothing written (issue 20)", () => {
  it("a taken username is 409", async () => {
    const other = await createUser("analyst");
    const res = await createUserAs({ username: other.username, role: "admin" });
    expect(res.status).toBe(409);
    expect((await problem(res)).detail).toMatch(/already taken/);
    expect((await auditOf("user", other.id)).map((a) => a.action)).toEqual(["user.created"]);
  });

  it("invalid usernames, roles, short passwords and unknown fields are 400, field by field", async () => {
    const cases: [unknown, string][] = [
      [{ username: "bad name!", role: "analyst" }, "username"],
      [{ username: "", role: "analyst" }, "username"],
      [{ username: "x".repeat(151), role: "analyst" }, "username"],
      [{ username: "dave", role: "root" }, "role"],
      [{ username: "dave", role: "analyst", password: "short" }, "password"],
      [{ username: "dave", role: "analyst", is_active: false }, "is_active"],
    ];
    for (const [body, field] of cases) {
      const res = await createUserAs(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys((await problem(res)).errors as object), JSON.stringify(body)).toContain(field);
    }
  });

  it("an admin cannot demote or deactivate themselves (409), and nothing changes", async () => {
    const self = await createUser("admin");
    for (const body of [{ role: "analyst" }, { is_active: false }]) {
      const res = await api(`/api/users/${self.id}/`, { method: "PATCH", token: self.token, json: body });
      expect(res.status).toBe(409);
      expect((await problem(res)).detail).toMatch(/another admin/);
    }
    expect((await api("/api/auth/me/", { token: self.token })).status).toBe(200);
    expect(await auditOf("user", self.id)).toHaveLength(1);
  });

  it("an empty change, an unknown field, an unknown or malformed id", async () => {
    const user = await createUser("analyst");
    const empty = await api(`/api/users/${user.id}/`, { method: "PATCH", token: admin.token, json: {} });
    expect(empty.status).toBe(400);
    const unknown = await api(`/api/users/${user.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { username: "renamed" },
    });
    expect(unknown.status).toBe(400);
    for (const path of ["/api/users/99999999/", "/api/users/abc/", "/api/users/99999999/password/"]) {
      const method = path.endsWith("password/") ? "POST" : "PATCH";
      const res = await api(path, { method, token: admin.token, json: { is_active: false } });
      expect(res.status, path).toBe(path.endsWith("password/") ? 400 : 404);
    }
    expect((await api("/api/users/99999999/password/", { token: admin.token, json: {} })).status).toBe(404);
    expect(await auditOf("user", user.id)).toHaveLength(1);
  });

  it("users cannot be deleted or replaced (405)", async () => {
    const user = await createUser("analyst");
    for (const method of ["DELETE", "PUT"]) {
      const res = await api(`/api/users/${user.id}/`, { method, token: admin.token });
      expect(res.status).toBe(405);
    }
  });
});
