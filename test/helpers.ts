import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { hashPassword } from "../src/auth/password";
import { signAccessToken } from "../src/auth/tokens";
import { createDb } from "../src/db/client";
import type { Role } from "../src/db/schema";
import { getConfig } from "../src/env";
import app from "../src/index";
import { changeUser, insertUser, type UserView } from "../src/users/store";

export const BASE = "http://vigil.test";

/** The test database, for asserting what a request left behind. */
export const db = () => createDb(env.DATABASE_URL);

export type ApiInit = RequestInit & { json?: unknown; token?: string; ip?: string };

function request(path: string, init: ApiInit): Request {
  const { json, token, ip, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) {
    headers.set("Content-Type", "application/json");
    rest.body = JSON.stringify(json);
    rest.method ??= "POST";
  }
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (ip) headers.set("CF-Connecting-IP", ip);
  return new Request(`${BASE}${path}`, { ...rest, headers });
}

/** A request through the Worker's own fetch, as a client would send it. */
export function api(path: string, init: ApiInit = {}): Promise<Response> {
  return exports.default.fetch(request(path, init));
}

/**
 * The same, to the Worker run with some configuration changed (configuration is read per env
 * object): small limits, no grace window... Its background work is awaited before answering.
 */
export function apiWith(overrides: Partial<Record<keyof Cloudflare.Env, unknown>>) {
  const modified = { ...env, ...overrides } as Cloudflare.Env;
  return async (path: string, init: ApiInit = {}): Promise<Response> => {
    const ctx = createExecutionContext();
    const res = await app.fetch(request(path, init), modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

export type TestUser = UserView & { password: string; token: string };

/** Users the tests set up are an operator's doing, as the audit log sees it. */
export const FIXTURE = { type: "cli", name: "test fixture" } as const;

/** A fresh user with a unique name (tests never share principals), plus an access token. */
export async function createUser(role: Role, options: { active?: boolean } = {}): Promise<TestUser> {
  const password = `pw-${crypto.randomUUID()}`;
  const username = `${role}-${crypto.randomUUID().slice(0, 12)}`;
  const user = await insertUser(db(), { username, role, passwordHash: await hashPassword(password) }, FIXTURE);
  if (!user) throw new Error(`could not create ${username}`);
  if (options.active === false) {
    await changeUser(db(), { id: user.id }, { isActive: false }, FIXTURE);
  }
  const token = await signAccessToken(getConfig(env), {
    principal: { type: "user", id: user.id, name: username, role },
    session: crypto.randomUUID(),
    generation: 0,
  });
  return { ...user, password, token };
}

/** Database round trips the request made, from the Server-Timing header (SERVER_TIMING=on). */
export function roundTrips(res: Response): number {
  const m = /db;[^,]*desc="(\d+) round trips"/.exec(res.headers.get("Server-Timing") ?? "");
  if (!m?.[1]) throw new Error("response has no db Server-Timing entry");
  return Number(m[1]);
}

export async function problem(res: Response): Promise<Record<string, unknown>> {
  const contentType = res.headers.get("Content-Type") ?? "";
  if (!contentType.startsWith("application/problem+json")) {
    throw new Error(`expected problem+json, got ${contentType}: ${await res.text()}`);
  }
  return (await res.json()) as Record<string, unknown>;
}

export type TokenPair = { access: string; refresh: string; token_type: string; expires_in: number };

/** Logs in through the token endpoint, as a client would. */
export async function login(user: { username: string; password: string }): Promise<TokenPair> {
  const res = await api("/api/auth/token/", { json: { username: user.username, password: user.password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as TokenPair;
}

export type TestKey = { id: number; key: string; name: string; prefix: string; scopes: string[] };

/** A fresh API key, created through the API by `admin`, as an operator would. */
export async function createKey(
  admin: TestUser,
  body: { scopes: string[]; name?: string; expires_at?: string; rate_limit?: string },
): Promise<TestKey> {
  const res = await api("/api/keys/", {
    token: admin.token,
    json: { name: `sensor-${crypto.randomUUID().slice(0, 8)}`, ...body },
  });
  if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as TestKey;
}
