import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { STREAM_TICKET_SECONDS, signServiceToken, signStreamTicket } from "../src/auth/tokens";
import { getConfig } from "../src/env";
import { REVOCATIONS_PURPOSE } from "../src/internal/protocol";
import { streamHub } from "../src/push/stub";
import { api, BASE, createKey, createUser, login, problem, type TestUser } from "./helpers";

let admin: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  [admin, analyst] = await Promise.all([createUser("admin"), createUser("analyst")]);
});

type Frame = { type: string; alert: { id: number; status: string; event_count: number; assignee: string | null } };

/** Opens the stream as a client would; collects every frame. */
async function connect(query = "", headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/alerts/stream/${query}`, { headers: { Upgrade: "websocket", ...headers } }),
  );
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
        "X-Vigil-Subscriber": JSON.stringify({ owners: [], expiresAt: Date.now() - 1 }),
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
