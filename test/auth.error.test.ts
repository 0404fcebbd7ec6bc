import { describe, expect, it } from "vitest";
import { api, createUser, problem } from "./helpers";

describe("token endpoint input (contract sections 1 and 2)", () => {
  it("unknown fields in the login body are rejected and named", async () => {
    const user = await createUser("analyst");
    const res = await api("/api/auth/token/", {
      json: { username: user.username, password: user.password, role: "admin", is_active: true },
    });
    expect(res.status).toBe(400);
    expect(Object.keys(((await problem(res)) as { errors: object }).errors).sort()).toEqual(["is_active", "role"]);
  });

  it("missing credentials are a 400 field map", async () => {
    const res = await api("/api/auth/token/", { json: {} });
    expect(res.status).toBe(400);
    expect(((await problem(res)) as { errors: Record<string, string[]> }).errors).toEqual({
      username: ["This field is required."],
      password: ["This field is required."],
    });
  });

  it("a form-encoded login is 415, malformed JSON is 400", async () => {
    const form = await api("/api/auth/token/", {
      method: "POST",
      body: "username=a&password=b",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    const broken = await api("/api/auth/token/", {
      method: "POST",
      body: "{",
      headers: { "Content-Type": "application/json" },
    });
    expect(broken.status).toBe(400);
  });

  it("GET on a token endpoint is 405 with Allow: POST", async () => {
    for (const path of ["/api/auth/token/", "/api/auth/token/refresh/", "/api/auth/token/revoke/"]) {
      const res = await api(path);
      expect(res.status).toBe(405);
      expect(res.headers.get("Allow")).toBe("POST");
    }
  });

  it("revoke with something that is not a refresh token is 401", async () => {
    const user = await createUser("analyst");
    const res = await api("/api/auth/token/revoke/", { json: { refresh: user.token } });
    expect(res.status).toBe(401);
  });
});
