import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ingest } from "../src/events/ingest";
import worker from "../src/index";
import { runScheduled } from "../src/scheduled";
import type { DeadLetter, DeliveryMessage } from "../src/webhooks/queue";
import { insertPing, markFailed, requeueUnattempted } from "../src/webhooks/store";
import { ipv6Groups } from "../src/webhooks/url-rules";
import { api, apiWith, createUser, db, problem, type TestUser } from "./helpers";
import { auditOf } from "./stored";

/**
 * Contract section 13, webhooks. Outgoing requests to hooks.example.com are answered by a spy
 * on fetch (the Worker, its queue consumer included, runs in the test's isolate); everything else
 * (the database) goes through.
 */
const HOOKS = "hooks.example.com";
type Received = { path: string; headers: Record<string, string>; body: string };
const received: Received[] = [];
/** What the receiver answers, per path. */
const answers = new Map<string, number>();

let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
  const realFetch = globalThis.fetch.bind(globalThis);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.hostname !== HOOKS) return realFetch(input, init);
    received.push({ path: url.pathname, headers: Object.fromEntries(request.headers), body: await request.text() });
    return new Response("", {
      status: answers.get(url.pathname) ?? 200,
      headers: { Location: "https://elsewhere.example/" },
    });
  });
});
// The database is shared with the other test files: once done, nothing here stays subscribed to
// their alerts (their deliveries would go nowhere, retried, for the rest of the run).
afterAll(async () => {
  await db().execute(sql`delete from webhooks where url like ${`https://${HOOKS}/%`} or url like 'http://127.0.0.1:%'`);
  vi.restoreAllMocks();
});

type Created = { id: number; secret: string; url: string };
async function subscribe(body: Record<string, unknown>): Promise<Created> {
  const res = await api("/api/webhooks/", {
    token: admin.token,
    json: { events: ["alert.created", "alert.updated"], ...body },
  });
  if (res.status !== 201) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as Created;
}
const uniquePath = () => `/hook/${crypto.randomUUID()}`;
const deliveryRow = async (id: number) =>
  (
    await db().execute<{
      status: string;
      attempts: number;
      last_status_code: number | null;
      last_error: string | null;
    }>(sql`select status, attempts, last_status_code, last_error from webhook_deliveries where id = ${id}`)
  ).rows[0];

/**
 * Runs the queue consumer on one message, as the queue would. The delays it asks for are read
 * off the message itself (getQueueResult does not report them).
 */
async function consume(deliveryId: number, deliveryEnv: Cloudflare.Env = env) {
  const batch = createMessageBatch<DeliveryMessage>("vigil-webhooks", [
    { id: crypto.randomUUID(), timestamp: Date.now(), attempts: 1, body: { deliveryId } },
  ]);
  const delays: (number | undefined)[] = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      delays.push(options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<DeliveryMessage | DeadLetter>, deliveryEnv, ctx);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

describe("webhooks (contract section 13)", () => {
  it("create shows the secret once (whsec_, stored encrypted); read, list and delete", async () => {
    const res = await api("/api/webhooks/", {
      token: admin.token,
      json: { url: `https://${HOOKS}/a`, events: ["alert.created"], min_severity: "Critical", description: "SOAR" },
    });
    expect(res.status).toBe(201);
    const hook = (await res.json()) as Created & Record<string, unknown>;
    expect(res.headers.get("Location")).toBe(`/api/webhooks/${hook.id}/`);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(hook).toMatchObject({
      events: ["alert.created"],
      min_severity: "Critical",
      description: "SOAR",
      created_by: admin.username,
    });
    const { rows } = await db().execute<{ stored: string }>(
      sql`select row_to_json(w)::text as stored from webhooks w where id = ${hook.id}`,
    );
    expect(rows[0]?.stored).not.toContain(hook.secret.slice(6, 30));
    const read = (await (await api(`/api/webhooks/${hook.id}/`, { token: admin.token })).json()) as object;
    expect(read).not.toHaveProperty("secret");
    expect((await api("/api/webhooks/", { token: admin.token })).status).toBe(200);
    expect((await api(`/api/webhooks/${hook.id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    expect((await api(`/api/webhooks/${hook.id}/`, { token: admin.token })).status).toBe(404);
    const analyst = await createUser("analyst");
    expect((await api("/api/webhooks/", { token: analyst.token })).status).toBe(403);
  });

  it("refuses targets that are not https to a public host (SSRF)", async () => {
    for (const url of [
      "https://127.0.0.1/x",
      "https://10.1.2.3/x",
      "https://172.16.0.1/x",
      "https://192.168.1.1/x",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::1]/x",
      "https://[fd00::1]/x",
      "https://[::ffff:127.0.0.1]/x",
      "https://2130706433/x",
      "https://localhost/x",
      "https://metadata.google.internal/x",
      "https://intranet/x",
      // Spellings that reach the same local names (issue 21, item 5): fully qualified, percent-
      // encoded, full-width, special-use and cluster-local names.
      "https://localhost./x",
      "https://localhost%2e/x",
      "https://LOCALHOST%2E./x",
      "https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/x",
      "https://foo.local./x",
      "https://x.internal./x",
      "https://a.localhost./x",
      "https://router.home.arpa./x",
      "https://localhost.localdomain/x",
      "https://kubernetes.default.svc/x",
      "https://api.default.svc.cluster.local/x",
      "https://printer.lan/x",
      "https://hidden.onion/x",
      "https://127.0.0.1./x",
      // IPv6 blocks that are not public or that tunnel to an IPv4 address inside.
      "https://[fec0::]/x",
      "https://[fec0::1]/x",
      "https://[2002:7f00:1::]/x",
      "https://[2002:a00:1::1]/x",
      "https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x",
      "https://[2001::7f00:1]/x",
      "https://[64:ff9b::7f00:1]/x",
      "https://[64:ff9b::10.0.0.1]/x",
      "https://[64:ff9b:1::1]/x",
      "https://[::ffff:7f00:1]/x",
      "https://[::127.0.0.1]/x",
      "https://[::]/x",
      "https://[0:0:0:0:0:0:0:1]/x",
      "https://[fe80::1]/x",
      "https://[ff02::1]/x",
      "https://[2001:db8::1]/x",
      "https://[100::1]/x",
      `http://${HOOKS}/x`,
      `https://user:pass@${HOOKS}/x`,
      "ftp://example.com/x",
      "not a url",
      // Not as written (the URL parser would mend these, and the raw text would be stored).
      ` https://${HOOKS}/x`,
      `https:${HOOKS}/x`,
      `https://${HOOKS}/x y`,
      `https://${HOOKS}/\u0000`,
      `https://${HOOKS}/\ud800`,
    ]) {
      const res = await api("/api/webhooks/", { token: admin.token, json: { url, events: ["alert.created"] } });
      expect(res.status, url).toBe(400);
      expect(Object.keys(((await problem(res)) as { errors: object }).errors)).toEqual(["url"]);
    }
    const insecure = apiWith({ WEBHOOK_ALLOW_INSECURE: "on" });
    const local = await insecure("/api/webhooks/", {
      token: admin.token,
      json: { url: "http://127.0.0.1:9999/in", events: ["alert.created"] },
    });
    expect(local.status).toBe(201);
    const privateNet = await insecure("/api/webhooks/", {
      token: admin.token,
      json: { url: "http://10.0.0.5/in", events: ["alert.created"] },
    });
    expect(privateNet.status).toBe(400);
  });

  it("accepts public hosts, including the IPv6 forms of public IPv4 addresses", async () => {
    for (const url of [
      `https://${HOOKS}/x`,
      "https://203.0.114.7/x",
      "https://[2606:4700:4700::1111]/x",
      "https://[2002:cb00:7207::1]/x",
      "https://[64:ff9b::808:808]/x",
      "https://hooks.example.com./x",
    ]) {
      const res = await api("/api/webhooks/", { token: admin.token, json: { url, events: ["alert.created"] } });
      expect(res.status, url).toBe(201);
      const { id } = (await res.json()) as Created;
      expect((await api(`/api/webhooks/${id}/`, { method: "DELETE", token: admin.token })).status).toBe(204);
    }
  });

  it("reads every IPv6 spelling the URL parser produces back to the address written", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        // The parser compresses zero runs, drops leading zeros and writes ::ffff: tails as hex.
        const host = new URL(`https://[${groups.map((g) => g.toString(16)).join(":")}]/`).hostname;
        expect(ipv6Groups(host.slice(1, -1))).toEqual(groups);
      }),
      { numRuns: 2000 },
    );
    expect(ipv6Groups("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    for (const bad of [
      "1::2::3",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "::1.2.3.256",
      "12345::",
      "1:2:3:4:5:6:7:8::",
    ]) {
      expect(ipv6Groups(bad), bad).toBeNull();
    }
  });

  it("a target that slipped past the rules is refused at delivery: failed at once, reason kept, nothing sent", async () => {
    const hook = await subscribe({ url: `https://${HOOKS}${uniquePath()}` });
    // As if written before these rules existed, or straight into the database.
    await db().execute(sql`update webhooks set url = 'https://localhost./x' where id = ${hook.id}`);
    const delivery = await insertPing(db(), hook.id);
    if (!delivery) throw new Error("no delivery");
    const before = received.length;
    const result = await consume(delivery.id);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await deliveryRow(delivery.id)).toMatchObject({
      status: "failed",
      attempts: 0,
      last_error: "refused target: Must point at a public host name, not a local, internal or special-use one.",
    });
    expect(received.length).toBe(before);
    await db().execute(sql`delete from webhooks where id = ${hook.id}`);
  });

  it("an alert change is delivered through the queue, signed as Standard Webhooks", async () => {
    const path = uniquePath();
    const hook = await subscribe({ url: `https://${HOOKS}${path}` });
    const event = (await (
      await api("/api/events/", {
        token: admin.token,
        json: { source_name: "edr", event_type: "malware", severity: "High" },
      })
    ).json()) as { alert: { id: number } };
    await vi.waitFor(() => expect(received.filter((r) => r.path === path)).toHaveLength(1), { timeout: 8000 });
    const delivery = received.find((r) => r.path === path) as Received;
    const payload = new Webhook(hook.secret).verify(delivery.body, delivery.headers) as {
      type: string;
      timestamp: string;
      data: { alert: { id: number } };
    };
    expect(payload).toMatchObject({ type: "alert.created", data: { alert: { id: event.alert.id } } });
    expect(delivery.headers["webhook-id"]).toMatch(/^msg_vigil_\d+$/);
    await vi.waitFor(async () => {
      const log = (await (await api(`/api/webhooks/${hook.id}/deliveries/`, { token: admin.token })).json()) as {
        results: { status: string; attempts: number; last_status_code: number; alert_id: number }[];
      };
      expect(log.results[0]).toMatchObject({
        status: "delivered",
        attempts: 1,
        last_status_code: 200,
        alert_id: event.alert.id,
      });
    });
  });

  it("a webhook gets only the event types it subscribed to; updates carry the alert as it now is", async () => {
    const [createdPath, updatedPath] = [uniquePath(), uniquePath()];
    const onCreate = await subscribe({ url: `https://${HOOKS}${createdPath}`, events: ["alert.created"] });
    await subscribe({ url: `https://${HOOKS}${updatedPath}`, events: ["alert.updated"] });
    const { alert } = (await (
      await api("/api/events/", { token: admin.token, json: { source_name: "s", event_type: "t", severity: "High" } })
    ).json()) as { alert: { id: number } };
    const patched = await api(`/api/alerts/${alert.id}/`, {
      method: "PATCH",
      token: admin.token,
      json: { status: "Acknowledged" },
    });
    expect(patched.status).toBe(200);
    const bodies = (path: string) =>
      received
        .filter((r) => r.path === path)
        .map(
          (r) =>
            JSON.parse(r.body) as { type: string; timestamp: string; data: { alert: { id: number; status: string } } },
        );
    await vi.waitFor(() => expect(bodies(updatedPath)).toHaveLength(1), { timeout: 8000 });
    expect(bodies(updatedPath)[0]).toMatchObject({
      type: "alert.updated",
      data: { alert: { id: alert.id, status: "Acknowledged" } },
    });
    expect(bodies(updatedPath)[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    await vi.waitFor(() => expect(bodies(createdPath)).toHaveLength(1), { timeout: 8000 });
    expect(bodies(createdPath)[0]).toMatchObject({ type: "alert.created", data: { alert: { id: alert.id } } });
    const { rows } = await db().execute<{ event_type: string }>(
      sql`select event_type::text from webhook_deliveries where webhook_id = ${onCreate.id} and alert_id = ${alert.id}`,
    );
    expect(rows.map((r) => r.event_type)).toEqual(["alert.created"]);
  });

  it("min_severity filters what a webhook gets", async () => {
    const path = uniquePath();
    const hook = await subscribe({ url: `https://${HOOKS}${path}`, min_severity: "Critical" });
    const high = (await (
      await api("/api/events/", { token: admin.token, json: { source_name: "s", event_type: "t", severity: "High" } })
    ).json()) as { alert: { id: number } };
    await api("/api/events/", {
      token: admin.token,
      json: {
        source_name: "s",
        event_type: "t",
        severity: "Critical",
        description: "Domain controller encrypted by ransomware",
      },
    });
    await vi.waitFor(() => expect(received.filter((r) => r.path === path)).toHaveLength(1), { timeout: 8000 });
    const { rows } = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from webhook_deliveries where webhook_id = ${hook.id} and alert_id = ${high.alert.id}`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("failures are retried with the configured delays, then dead-lettered and marked failed", async () => {
    const path = uniquePath();
    answers.set(path, 500);
    const hook = await subscribe({ url: `https://${HOOKS}${path}` });
    const delivery = await insertPing(db(), hook.id);
    if (!delivery) throw new Error("no delivery");
    const deadLetters: DeadLetter[] = [];
    const recording = {
      ...env,
      // Growing delays, so each attempt is seen to take the next one, in order.
      WEBHOOK_RETRY_SECONDS: "1,2,3",
      WEBHOOK_DLQ: { send: async (m: DeadLetter) => void deadLetters.push(m) },
    } as unknown as Cloudflare.Env;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await consume(delivery.id, recording);
      expect(result.retryMessages, `attempt ${attempt}`).toHaveLength(1);
      expect(result.delays).toEqual([attempt]);
      expect(await deliveryRow(delivery.id)).toMatchObject({
        status: "pending",
        attempts: attempt,
        last_status_code: 500,
      });
    }
    const last = await consume(delivery.id, recording);
    expect(last.retryMessages).toEqual([]);
    expect(last.explicitAcks).toHaveLength(1);
    expect(deadLetters).toEqual([{ deliveryId: delivery.id, reason: "answered 500" }]);
    const dlq = createMessageBatch<DeadLetter>("vigil-webhooks-dlq", [
      { id: crypto.randomUUID(), timestamp: Date.now(), attempts: 1, body: deadLetters[0] as DeadLetter },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(dlq as MessageBatch<DeliveryMessage | DeadLetter>, env, ctx);
    expect((await getQueueResult(dlq, ctx)).explicitAcks).toHaveLength(1);
    expect(await deliveryRow(delivery.id)).toMatchObject({ status: "failed", attempts: 4 });
    // Every attempt carried the same webhook-id and body.
    const attempts = received.filter((r) => r.path === path);
    expect(new Set(attempts.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
  });

  it("a redirect is not followed: it counts as a failure", async () => {
    const path = uniquePath();
    answers.set(path, 302);
    const hook = await subscribe({ url: `https://${HOOKS}${path}` });
    const delivery = await insertPing(db(), hook.id);
    if (!delivery) throw new Error("no delivery");
    const result = await consume(delivery.id);
    expect(result.retryMessages).toHaveLength(1);
    expect(await deliveryRow(delivery.id)).toMatchObject({ status: "pending", last_status_code: 302 });
    expect(received.filter((r) => r.headers.host === "elsewhere.example")).toEqual([]);
  });

  it("test sends a signed ping (202), logged like any delivery", async () => {
    const path = uniquePath();
    const hook = await subscribe({ url: `https://${HOOKS}${path}` });
    const res = await api(`/api/webhooks/${hook.id}/test/`, { method: "POST", token: admin.token });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ event_type: "ping", status: "pending", attempts: 0 });
    await vi.waitFor(() => expect(received.filter((r) => r.path === path)).toHaveLength(1), { timeout: 8000 });
    const ping = received.find((r) => r.path === path) as Received;
    expect(new Webhook(hook.secret).verify(ping.body, ping.headers)).toMatchObject({
      type: "ping",
      data: { webhook_id: hook.id },
    });
    expect((await api("/api/webhooks/999999/test/", { method: "POST", token: admin.token })).status).toBe(404);
  });

  it("a failed delivery is retried on request (202): pending again, then delivered; audited", async () => {
    const path = uniquePath();
    answers.set(path, 500);
    const hook = await subscribe({ url: `https://${HOOKS}${path}` });
    const delivery = await insertPing(db(), hook.id);
    if (!delivery) throw new Error("no delivery");
    const retry = (webhookId: number, deliveryId: number) =>
      api(`/api/webhooks/${webhookId}/deliveries/${deliveryId}/retry/`, { method: "POST", token: admin.token });
    // Not failed yet: nothing to retry.
    expect((await retry(hook.id, delivery.id)).status).toBe(409);
    await consume(delivery.id);
    await markFailed(db(), delivery.id, "answered 500");

    answers.set(path, 200);
    const res = await retry(hook.id, delivery.id);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id: delivery.id, status: "pending", attempts: 1 });
    await vi.waitFor(async () => expect(await deliveryRow(delivery.id)).toMatchObject({ status: "delivered" }), {
      timeout: 8000,
    });
    expect(new Set(received.filter((r) => r.path === path).map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect((await auditOf("webhook", hook.id)).map((a) => [a.action, a.to_value])).toEqual([
      ["webhook.created", "alert.created,alert.updated"],
      ["webhook.delivery_retried", String(delivery.id)],
    ]);
    // Delivered is final; another webhook's delivery is not this one's.
    expect((await retry(hook.id, delivery.id)).status).toBe(409);
    const other = await subscribe({ url: `https://${HOOKS}${uniquePath()}` });
    expect((await retry(other.id, delivery.id)).status).toBe(404);
  });

  it("the sweep delivers what a Worker that died after its statement never handed on", async () => {
    const path = uniquePath();
    const hook = await subscribe({ url: `https://${HOOKS}${path}`, events: ["alert.created", "alert.updated"] });
    // An ingest publishes its own changes: its deliveries are written by its statement (pending,
    // never attempted) and it is the Worker that hands them to the queue. This one never did.
    const result = await ingest(db(), {
      mode: "single",
      items: [{ index: 0, event: { source_name: "orphan", event_type: "t", severity: "High" } }],
      failures: [],
      sender: { type: "user", id: admin.id, name: admin.username, role: "admin" },
      idempotency: null,
    });
    if (result.outcome !== "stored") throw new Error("not stored");
    const alertId = (result.body as { alert: { id: number } }).alert.id;
    const mine = await db().execute<{ id: number }>(
      sql`select id from webhook_deliveries where alert_id = ${alertId} and webhook_id = ${hook.id}`,
    );
    expect(mine.rows.map((r) => r.id)).toHaveLength(1);
    expect(result.out.deliveryIds).toContain(Number(mine.rows[0]?.id));
    await db().execute(
      sql`update webhook_deliveries set created_at = created_at - interval '5 minutes' where id = ${mine.rows[0]?.id ?? 0}`,
    );
    // Other writers leave outbox rows for the publisher to claim: this one was never claimed.
    await db().execute(sql`
      insert into alert_history (alert_id, actor_type, actor_name, action, from_value, to_value, at)
      values (${alertId}, 'system', 'system', 'status_changed', 'Open', 'Investigating', now() - interval '1 minute')`);

    const swept = await runScheduled(env);
    expect(swept.published).toBeGreaterThanOrEqual(1);
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(received.filter((r) => r.path === path)).toHaveLength(2), { timeout: 8000 });
    const types = received.filter((r) => r.path === path).map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types.sort()).toEqual(["alert.created", "alert.updated"]);
    const { rows } = await db().execute<{ unpublished: number }>(
      sql`select count(*)::int as unpublished from alert_history where alert_id = ${alertId} and published_at is null`,
    );
    expect(rows[0]?.unpublished).toBe(0);
  });

  it("a delivery the sweep re-enqueued is not re-enqueued again at the next sweep", async () => {
    const hook = await subscribe({ url: `https://${HOOKS}${uniquePath()}`, events: ["alert.created"] });
    const ping = await insertPing(db(), hook.id);
    const id = ping?.id ?? 0;
    await db().execute(
      sql`update webhook_deliveries set created_at = created_at - interval '5 minutes' where id = ${id}`,
    );
    // Its message may still be in a long queue backlog: one copy per 10 minutes, not one a minute.
    expect(await requeueUnattempted(db(), 120, 600)).toContain(id);
    expect(await requeueUnattempted(db(), 120, 600)).not.toContain(id);
    await db().execute(
      sql`update webhook_deliveries set requeued_at = requeued_at - interval '11 minutes' where id = ${id}`,
    );
    expect(await requeueUnattempted(db(), 120, 600)).toContain(id);
  });

  it("the scheduled handler purges Idempotency-Key records older than 24 hours", async () => {
    await db().execute(sql`
      insert into idempotency_keys (principal, key, request_hash, status, body, created_at)
      values ('user:0', 'old-one', 'h', 201, '{}'::json, now() - interval '25 hours'),
             ('user:0', 'new-one', 'h', 201, '{}'::json, now() - interval '23 hours')`);
    await runScheduled(env);
    const { rows } = await db().execute<{ key: string }>(
      sql`select key from idempotency_keys where principal = 'user:0'`,
    );
    expect(rows.map((r) => r.key)).toEqual(["new-one"]);
  });
});
