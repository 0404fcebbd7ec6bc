import {
  createExecutionContext,
  evictDurableObject,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { STREAM_TICKET_SECONDS, signServiceToken, signStreamTicket } from "../src/auth/tokens";
import { getConfig } from "../src/env";
import worker from "../src/index";
import { REVOCATIONS_PURPOSE } from "../src/internal/protocol";
import type { Subscriber } from "../src/push/stream-hub";
import { streamHub } from "../src/push/stub";
import { api, BASE, createKey, createUser, db, login, problem, type TestUser } from "./helpers";

let admin: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
});

type Frame = { type: string; alert: { id: number; status: string; event_count: number; assignee: string | null } };

/**
 * Opens the stream as a client would; collects every frame. With `overrides`, through a Worker
 * whose configuration differs (the hub is the same one).
 */
async function connect(query = "", headers: Record<string, string> = {}, overrides?: Partial<Cloudflare.Env>) {
  const request = new Request(`${BASE}/api/alerts/stream/${query}`, { headers: { Upgrade: "websocket", ...headers } });
  let res: Response;
  if (overrides) {
    const ctx = createExecutionContext();
    res = await worker.fetch(request, { ...env, ...overrides }, ctx);
    await waitOnExecutionContext(ctx);
  } else res = await exports.default.fetch(request);
  const socket = res.webSocket;
  if (res.status !== 101 || !socket) return { res, socket: null, frames: [] as Frame[], texts: [] as string[] };
  socket.accept();
  const frames: Frame[] = [];
  const texts: string[] = [];
  socket.addEventListener("message", (m) => {
    const text = String(m.data);
    texts.push(text);
    if (text.startsWith("{")) frames.push(JSON.parse(text) as Frame);
  });
  return { res, socket, frames, texts };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const ingest = (fields: Record<string, unknown>) =>
  api("/api/events/", {
    token: admin.token,
    json: { source_name: "ids", event_type: "t", severity: "High", ...fields },
  }).then(async (r) => (await r.json()) as { alert: { id: number } });
const framesFor = (frames: Frame[], id: number) => frames.filter((f) => f.alert.id === id);
/** The code the socket closes with, or null if it is still open after `withinMs`. */
const closeCode = (socket: WebSocket, withinMs = 3000) =>
  new Promise<number | null>((resolve) => {
    socket.addEventListener("close", (e) => resolve(e.code));
    setTimeout(() => resolve(null), withinMs);
  });

/** What the Worker hands the hub for an upgrade, for tests that talk to the hub directly. */
const subscriber = (principal: string, expiresAt: number | null, perPrincipal = 10): Subscriber => ({
  owners: [principal],
  expiresAt,
  key: null,
  limits: { perPrincipal, total: 100_000 },
});
/** An upgrade straight to the hub; the socket, accepted, or the hub's status. */
async function subscribeDirectly(who: Subscriber): Promise<WebSocket | number> {
  const res = await streamHub(env).fetch("https://hub/subscribe", {
    headers: { Upgrade: "websocket", "X-Vigil-Subscriber": JSON.stringify(who) },
  });
  if (!res.webSocket) return res.status;
  res.webSocket.accept();
  return res.webSocket;
}

describe("the live stream (contract section 13)", () => {
  it("sends alert.created, then alert.updated for grouping and for status and assignee changes", async () => {
    const { res, socket, frames } = await connect("", bearer(analyst.token));
    expect(res.status).toBe(101);
    const key = `stream-${crypto.randomUUID()}`;
    const { alert } = await ingest({ dedup_key: key });
    await vi.waitFor(() => expect(framesFor(frames, alert.id)).toHaveLength(1), { timeout: 3000 });
    expect(framesFor(frames, alert.id)[0]).toMatchObject({
      type: "alert.created",
      alert: { id: alert.id, status: "Open" },
    });
    await ingest({ dedup_key: key });
    await vi.waitFor(() => expect(framesFor(frames, alert.id)).toHaveLength(2), { timeout: 3000 });
    expect(framesFor(frames, alert.id)[1]).toMatchObject({ type: "alert.updated", alert: { event_count: 2 } });
    await api(`/api/alerts/${alert.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { status: "Acknowledged", assignee: analyst.username },
    });
    await vi.waitFor(() => expect(framesFor(frames, alert.id)).toHaveLength(3), { timeout: 3000 });
    expect(framesFor(frames, alert.id)[2]).toMatchObject({
      type: "alert.updated",
      alert: { status: "Acknowledged", assignee: analyst.username },
    });
    socket?.close(1000, "done");
  });

  it("batch ingest and bulk changes reach the stream too", async () => {
    const { socket, frames } = await connect("", bearer(analyst.token));
    const high = { source_name: "ids", event_type: "t", severity: "High" };
    const batch = await api("/api/events/batch/", { token: admin.token, json: [high, high] });
    expect(batch.status).toBe(200);
    const { results } = (await batch.json()) as { results: { alert: { id: number } }[] };
    const ids = results.map((r) => r.alert.id);
    for (const id of ids) {
      await vi.waitFor(() => expect(framesFor(frames, id).map((f) => f.type)).toEqual(["alert.created"]), {
        timeout: 3000,
      });
    }
    const bulk = await api("/api/alerts/bulk/", { token: admin.token, json: { ids, status: "Resolved" } });
    expect(bulk.status).toBe(200);
    for (const id of ids) {
      await vi.waitFor(() => expect(framesFor(frames, id)).toHaveLength(2), { timeout: 3000 });
      expect(framesFor(frames, id)[1]).toMatchObject({ type: "alert.updated", alert: { status: "Resolved" } });
    }
    socket?.close(1000);
  });

  it("an expired ticket is a 401 answer, not a socket", async () => {
    // Signed as if issued well over its lifetime ago (beyond any clock tolerance).
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - (STREAM_TICKET_SECONDS + 300) * 1000);
    let ticket: string;
    try {
      ticket = await signStreamTicket(getConfig(env), {
        type: "user",
        principal: { type: "user", id: analyst.id, name: analyst.username, role: "analyst" },
        session: crypto.randomUUID(),
        generation: 0,
      });
    } finally {
      vi.useRealTimers();
    }
    const { res } = await connect(`?ticket=${encodeURIComponent(ticket)}`);
    expect(res.status).toBe(401);
    expect(res.webSocket).toBeNull();
    expect(res.headers.get("WWW-Authenticate")).toMatch(/error="invalid_token"/);
  });

  it("answers ping with pong", async () => {
    const { socket, texts } = await connect("", bearer(analyst.token));
    socket?.send("ping");
    await vi.waitFor(() => expect(texts).toContain("pong"), { timeout: 3000 });
    socket?.close(1000);
  });

  it("keeps delivering after the hub is evicted from memory (hibernation)", async () => {
    const { socket, frames } = await connect("", bearer(analyst.token));
    await evictDurableObject(streamHub(env));
    const { alert } = await ingest({});
    await vi.waitFor(() => expect(framesFor(frames, alert.id)).toHaveLength(1), { timeout: 3000 });
    socket?.close(1000);
  });

  it("a ticket opens the stream once; a used, forged or missing credential is a 401 answer, not a socket", async () => {
    const issued = await api("/api/auth/stream-ticket/", { method: "POST", token: analyst.token });
    expect(issued.status).toBe(201);
    const { ticket, expires_in } = (await issued.json()) as { ticket: string; expires_in: number };
    expect(expires_in).toBe(60);
    const first = await connect(`?ticket=${encodeURIComponent(ticket)}`);
    expect(first.res.status).toBe(101);
    first.socket?.close(1000);
    for (const attempt of [
      await connect(`?ticket=${encodeURIComponent(ticket)}`),
      await connect("?ticket=not-a-ticket"),
      await connect(`?ticket=${encodeURIComponent(analyst.token)}`),
      await connect(""),
    ]) {
      expect(attempt.res.status).toBe(401);
      expect(attempt.res.webSocket).toBeNull();
      expect(attempt.res.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="vigil"/);
    }
  });

  it("keys need `read` (403 otherwise); without the upgrade it is a 426 problem", async () => {
    const reader = await createKey(admin, { scopes: ["read"] });
    const ingester = await createKey(admin, { scopes: ["ingest"] });
    const ok = await connect("", bearer(reader.key));
    expect(ok.res.status).toBe(101);
    ok.socket?.close(1000);
    expect((await connect("", bearer(ingester.key))).res.status).toBe(403);
    const plain = await api("/api/alerts/stream/", { token: analyst.token });
    expect(plain.status).toBe(426);
    expect(await problem(plain)).toMatchObject({ status: 426 });
  });

  it("credentials come first, as on every route: without them it is 401 even without the upgrade", async () => {
    const ingester = await createKey(admin, { scopes: ["ingest"] });
    const anonymous = await api("/api/alerts/stream/");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="vigil"/);
    expect((await api("/api/alerts/stream/?ticket=forged")).status).toBe(401);
    expect((await api("/api/alerts/stream/", { token: ingester.key })).status).toBe(403);
  });

  it("a logged-out session's token opens no socket: the guard answers before the hub is asked", async () => {
    const user = await createUser("analyst");
    const pair = await login(user);
    expect((await api("/api/auth/token/revoke/", { json: { refresh: pair.refresh } })).status).toBe(204);
    const refused = await connect("", bearer(pair.access));
    expect(refused.res.status).toBe(401);
    expect(refused.socket).toBeNull();
    expect(await streamHub(env).subscribers({ type: "user", id: user.id })).toBe(0);
  });

  it("a revocation closes the sockets opened with that credential (4001), and only those", async () => {
    const reader = await createKey(admin, { scopes: ["read"] });
    const user = await createUser("analyst");
    const [kept, ended] = [await login(user), await login(user)];
    const [byKey, bySession, byOtherSession] = await Promise.all([
      connect("", bearer(reader.key)),
      connect("", bearer(ended.access)),
      connect("", bearer(kept.access)),
    ]);
    const [keyClosed, sessionClosed, otherClosed] = [byKey, bySession, byOtherSession].map(({ socket }) => {
      if (!socket) throw new Error("no socket");
      return closeCode(socket);
    });

    expect((await api(`/api/keys/${reader.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    expect(await keyClosed).toBe(4001);
    expect((await api("/api/auth/token/revoke/", { json: { refresh: ended.refresh } })).status).toBe(204);
    expect(await sessionClosed).toBe(4001);
    // The user's other login keeps its socket until the account itself changes (as the CLI announces it).
    expect(await streamHub(env).subscribers({ type: "user", id: user.id })).toBe(1);
    const announced = await api("/api/internal/revocations/", {
      token: await signServiceToken(getConfig(env), REVOCATIONS_PURPOSE),
      json: { type: "user", id: user.id, generation: 1 },
    });
    expect(announced.status).toBe(204);
    expect(await otherClosed).toBe(4001);
  });

  it("closes a socket opened with an API key once the key has expired, at the next broadcast", async () => {
    const reader = await createKey(admin, {
      scopes: ["read"],
      expires_at: new Date(Date.now() + 1500).toISOString(),
    });
    const { res, socket } = await connect("", bearer(reader.key));
    expect(res.status).toBe(101);
    if (!socket) throw new Error("no socket");
    const closed = closeCode(socket, 5000);
    await new Promise((r) => setTimeout(r, 1600));
    await streamHub(env).broadcast(['{"type":"alert.updated"}']);
    expect(await closed).toBe(4001);
  });

  it("closes a socket whose access token has expired, at the next broadcast", async () => {
    const hub = streamHub(env);
    const res = await hub.fetch("https://hub/subscribe", {
      headers: {
        Upgrade: "websocket",
        "X-Vigil-Subscriber": JSON.stringify(subscriber("user:expired-token", Date.now() - 1)),
      },
    });
    const socket = res.webSocket;
    if (!socket) throw new Error("no socket");
    socket.accept();
    const closed = closeCode(socket);
    await hub.broadcast(['{"type":"alert.updated"}']);
    expect(await closed).toBe(4001);
  });
});

describe("stream socket caps (issue 21, item 1)", () => {
  const openSockets = (results: Awaited<ReturnType<typeof connect>>[]) =>
    results.flatMap(({ socket }) => (socket ? [socket] : []));

  it("a user gets at most 10 sockets across all sessions; the 11th upgrade is 429 with a true Retry-After, and no socket is closed", async () => {
    const user = await createUser("analyst");
    const [first, second] = [await login(user), await login(user)];
    const opened = await Promise.all(
      Array.from({ length: 10 }, (_, i) => connect("", bearer((i % 2 ? first : second).access))),
    );
    expect(opened.map((o) => o.res.status)).toEqual(Array(10).fill(101));
    const closes = openSockets(opened).map((socket) => closeCode(socket, 500));

    const refused = await connect("", bearer(first.access));
    expect(refused.res.status).toBe(429);
    expect(refused.socket).toBeNull();
    const body = (await problem(refused.res)) as { detail: string };
    expect(body.detail).toMatch(/already has 10 stream sockets open/);
    // The earliest of the ten to expire is an access token: it goes within its lifetime.
    const retryAfter = Number(refused.res.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(getConfig(env).ACCESS_TOKEN_TTL_SECONDS);
    expect(await Promise.all(closes)).toEqual(Array(10).fill(null));
    expect(await streamHub(env).subscribers({ type: "user", id: user.id })).toBe(10);

    // Someone else is not affected, and a closed socket makes room again.
    const other = await connect("", bearer(analyst.token));
    expect(other.res.status).toBe(101);
    other.socket?.close(1000, "done");
    const [one, ...rest] = openSockets(opened);
    one?.close(1000, "done");
    await vi.waitFor(async () => expect(await streamHub(env).subscribers({ type: "user", id: user.id })).toBe(9));
    const again = await connect("", bearer(second.access));
    expect(again.res.status).toBe(101);
    for (const socket of [...rest, again.socket]) socket?.close(1000, "done");
  });

  it("a key without expiry at its cap is 429 without Retry-After: no wait would be sure to help", async () => {
    const reader = await createKey(admin, { scopes: ["read"] });
    const limited = { STREAM_MAX_SOCKETS_PER_PRINCIPAL: "2" };
    const opened = [await connect("", bearer(reader.key), limited), await connect("", bearer(reader.key), limited)];
    expect(opened.map((o) => o.res.status)).toEqual([101, 101]);
    const refused = await connect("", bearer(reader.key), limited);
    expect(refused.res.status).toBe(429);
    expect(refused.res.headers.get("Retry-After")).toBeNull();
    expect(((await problem(refused.res)) as { detail: string }).detail).toMatch(/Close one of them first/);
    for (const socket of openSockets(opened)) socket.close(1000, "done");
  });

  it("concurrent upgrades never exceed the cap", async () => {
    const user = await createUser("analyst");
    const results = await Promise.all(Array.from({ length: 30 }, () => connect("", bearer(user.token))));
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 101)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect(await streamHub(env).subscribers({ type: "user", id: user.id })).toBe(10);
    for (const socket of openSockets(results)) socket.close(1000, "done");
  });

  it("the hub's total cap holds across principals (STREAM_MAX_SOCKETS)", async () => {
    const baseline = await streamHub(env).subscribers();
    const total = { STREAM_MAX_SOCKETS: String(baseline + 2) };
    const [a, b, c] = await Promise.all([createUser("analyst"), createUser("analyst"), createUser("analyst")]);
    const opened = [await connect("", bearer(a.token), total), await connect("", bearer(b.token), total)];
    expect(opened.map((o) => o.res.status)).toEqual([101, 101]);
    const refused = await connect("", bearer(c.token), total);
    expect(refused.res.status).toBe(429);
    expect(((await problem(refused.res)) as { detail: string }).detail).toMatch(
      new RegExp(`stream already has ${baseline + 2} sockets open`),
    );
    expect(Number(refused.res.headers.get("Retry-After"))).toBeGreaterThan(0);
    for (const socket of openSockets(opened)) socket.close(1000, "done");
  });

  it("Retry-After comes true: by then the counted socket has expired, and the upgrade closes it (4001) to make room", async () => {
    const principal = `user:retry-${crypto.randomUUID()}`;
    const soon = Date.now() + 1500;
    const held = await Promise.all(Array.from({ length: 10 }, () => subscribeDirectly(subscriber(principal, soon))));
    const refusal = await streamHub(env).fetch("https://hub/subscribe", {
      headers: { Upgrade: "websocket", "X-Vigil-Subscriber": JSON.stringify(subscriber(principal, null)) },
    });
    expect(refusal.status).toBe(429);
    const { retryAfter } = (await refusal.json()) as { retryAfter: number };
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    const closes = held.map((socket) => (typeof socket === "number" ? Promise.resolve(socket) : closeCode(socket)));
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    const admitted = await subscribeDirectly(subscriber(principal, null));
    expect(admitted).not.toBeTypeOf("number");
    expect(await Promise.all(closes)).toEqual(Array(10).fill(4001));
    if (typeof admitted !== "number") admitted.close(1000, "done");
  });

  it("when the cap was lowered below what is open, Retry-After waits for enough of them to expire", async () => {
    const principal = `user:lowered-${crypto.randomUUID()}`;
    const now = Date.now();
    const held = await Promise.all(
      [now + 60_000, now + 180_000, null, null].map((expiresAt) => subscribeDirectly(subscriber(principal, expiresAt))),
    );
    const refusal = async (perPrincipal: number) => {
      const res = await streamHub(env).fetch("https://hub/subscribe", {
        headers: {
          Upgrade: "websocket",
          "X-Vigil-Subscriber": JSON.stringify(subscriber(principal, null, perPrincipal)),
        },
      });
      expect(res.status).toBe(429);
      return ((await res.json()) as { retryAfter: number | null }).retryAfter;
    };
    // Four open, room under 4 once one has gone (60 s), under 3 once two have (180 s), under 2 never.
    expect(await refusal(4)).toBeGreaterThan(55);
    expect(await refusal(4)).toBeLessThanOrEqual(60);
    expect(await refusal(3)).toBeGreaterThan(175);
    expect(await refusal(3)).toBeLessThanOrEqual(180);
    expect(await refusal(2)).toBeNull();
    for (const socket of held) if (typeof socket !== "number") socket.close(1000, "done");
  });

  it("500 sockets opened and closed leave nothing behind in the hub", async () => {
    const hub = streamHub(env);
    const baseline = await hub.subscribers();
    const storedBefore = await runInDurableObject(hub, (_, state) => state.storage.list().then((m) => m.size));
    const run = crypto.randomUUID();
    const sockets = await Promise.all(
      Array.from({ length: 500 }, (_, i) => subscribeDirectly(subscriber(`user:flood-${run}-${i % 50}`, null))),
    );
    expect(sockets.every((s) => typeof s !== "number")).toBe(true);
    expect(await hub.subscribers()).toBe(baseline + 500);
    for (const socket of sockets) if (typeof socket !== "number") socket.close(1000, "done");
    await vi.waitFor(async () => expect(await hub.subscribers()).toBe(baseline), { timeout: 10_000 });
    // Sockets are the hub's only per-subscriber state: no storage grew with them.
    expect(await runInDurableObject(hub, (_, state) => state.storage.list().then((m) => m.size))).toBe(storedBefore);
  });

  it("key sockets are re-checked at least every access-token lifetime: a key revoked behind the hub's back is closed (4001)", async () => {
    const [revoked, kept] = [
      await createKey(admin, { scopes: ["read"] }),
      await createKey(admin, { scopes: ["read"] }),
    ];
    const hub = streamHub(env);
    const before = Date.now();
    const [gone, stays] = [await connect("", bearer(revoked.key)), await connect("", bearer(kept.key))];
    if (!gone.socket || !stays.socket) throw new Error("no socket");
    const ttl = getConfig(env).ACCESS_TOKEN_TTL_SECONDS * 1000;
    // An alarm is due within one access-token lifetime of the first key socket.
    const alarm = await runInDurableObject(hub, (_, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm as number).toBeLessThanOrEqual(Date.now() + ttl);
    // Revoked in the database only, as if the close call of the revocation had been lost.
    await db().execute(sql`update api_keys set revoked_at = now() where id = ${revoked.id}`);
    const [goneClosed, staysClosed] = [closeCode(gone.socket), closeCode(stays.socket, 1500)];
    await runInDurableObject(hub, (_, state) => state.storage.put("recheck-at", before));
    expect(await runDurableObjectAlarm(hub)).toBe(true);
    expect(await goneClosed).toBe(4001);
    expect(await staysClosed).toBeNull();
    // The next re-check is one lifetime on, for the key socket still open.
    const next = await runInDurableObject(hub, (_, state) => state.storage.get<number>("recheck-at"));
    expect(next).toBeGreaterThan(Date.now() + ttl - 5000);
    stays.socket.close(1000, "done");
  });
});
