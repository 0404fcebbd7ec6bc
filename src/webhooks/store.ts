import { sql } from "drizzle-orm";
import { type AuditActor, recordAudit } from "../audit/store";
import type { Db } from "../db/client";
import type { DeliveryStatus, Severity, WebhookEvent } from "../db/schema";
import { type ChildPage, isoUtc, pageOfChildren } from "../db/sql";
import type { PageRequest } from "../http/pagination";

/**
 * The webhooks and webhook_deliveries tables' door: the routes, the consumer, the sweep. One
 * exception, on purpose: the publisher's claim statement (push/store.ts) writes the deliveries of
 * the changes it claims, so that claiming and writing them are one statement.
 */
export type WebhookView = {
  id: number;
  url: string;
  events: WebhookEvent[];
  min_severity: Severity | null;
  description: string;
  created_by: string | null;
  created_at: string;
};

export type DeliveryView = {
  id: number;
  event_type: string;
  alert_id: number | null;
  attempts: number;
  status: DeliveryStatus;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
};

const webhookJson = sql`json_build_object(
  'id', w.id, 'url', w.url, 'events', to_json(w.events), 'min_severity', w.min_severity,
  'description', w.description, 'created_by', (select username from users where id = w.created_by_id),
  'created_at', ${isoUtc(sql`w.created_at`)})`;

const deliveryJson = sql`json_build_object(
  'id', d.id, 'event_type', d.event_type, 'alert_id', d.alert_id, 'attempts', d.attempts, 'status', d.status,
  'last_status_code', d.last_status_code, 'last_error', d.last_error,
  'created_at', ${isoUtc(sql`d.created_at`)}, 'delivered_at', ${isoUtc(sql`d.delivered_at`)})`;

export type NewWebhook = {
  url: string;
  events: WebhookEvent[];
  minSeverity: Severity | null;
  description: string;
  secretCiphertext: string;
};

/** Subscribes the URL, audited (its creator is the actor) by the same statement. */
export async function insertWebhook(db: Db, hook: NewWebhook, actor: AuditActor): Promise<WebhookView> {
  const createdById = actor.type === "user" ? actor.id : null;
  const { rows } = await db.execute<{ hook: WebhookView }>(sql`
    with w as (
      insert into webhooks (url, events, min_severity, description, secret_ciphertext, created_by_id)
      values (${hook.url}, ${`{${hook.events.join(",")}}`}::delivery_event_type[], ${hook.minSeverity}::severity,
              ${hook.description}, ${hook.secretCiphertext}, ${createdById}::int)
      returning *
    ), audited as (
      ${recordAudit(actor, sql`select 'webhook.created', 'webhook', id, url, null, array_to_string(events, ',') from w`)}
    )
    select ${webhookJson} as hook from w`);
  const row = rows[0];
  if (!row) throw new Error("webhook insert returned no row");
  return row.hook;
}

export async function findWebhook(db: Db, id: number): Promise<WebhookView | null> {
  const { rows } = await db.execute<{ hook: WebhookView }>(
    sql`select ${webhookJson} as hook from webhooks w where w.id = ${id}`,
  );
  return rows[0]?.hook ?? null;
}

export async function listWebhooks(db: Db, page: PageRequest): Promise<{ count: number; results: WebhookView[] }> {
  const { rows } = await db.execute<{ total: string; hook: WebhookView }>(sql`
    select (select count(*) from webhooks) as total, ${webhookJson} as hook
    from (select id from webhooks order by created_at desc nulls last, id desc nulls last limit ${page.limit} offset ${page.offset}) p
    join webhooks w on w.id = p.id order by w.created_at desc nulls last, w.id desc nulls last`);
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.hook) };
}

/** Deletes the webhook and its delivery log (audited); pending deliveries are dropped by the consumer. */
export async function deleteWebhook(db: Db, id: number, actor: AuditActor): Promise<boolean> {
  const { rows } = await db.execute(sql`
    with w as (delete from webhooks where id = ${id} returning id, url), audited as (
      ${recordAudit(actor, sql`select 'webhook.deleted', 'webhook', id, url, null, null from w`)}
    )
    select id from w`);
  return rows.length > 0;
}

export type RetryOutcome =
  | { outcome: "retried"; delivery: DeliveryView }
  | { outcome: "missing" }
  | { outcome: "not_failed" };

/**
 * A failed delivery back to `pending` for one more attempt (audited), which the caller enqueues.
 * The retry schedule resumes where it stopped: once its retries were used up, this is one attempt.
 */
export async function retryDelivery(
  db: Db,
  webhookId: number,
  deliveryId: number,
  actor: AuditActor,
): Promise<RetryOutcome> {
  const { rows } = await db.execute<{ found: boolean; delivery: DeliveryView | null }>(sql`
    with d as (
      update webhook_deliveries set status = 'pending'
      where id = ${deliveryId} and webhook_id = ${webhookId} and status = 'failed'
      returning *
    ), audited as (
      ${recordAudit(
        actor,
        sql`select 'webhook.delivery_retried', 'webhook', w.id, w.url, null, d.id::text from d join webhooks w on w.id = d.webhook_id`,
      )}
    )
    select exists (select 1 from webhook_deliveries where id = ${deliveryId} and webhook_id = ${webhookId}) as found,
           (select ${deliveryJson} from d) as delivery`);
  const row = rows[0];
  if (row?.delivery) return { outcome: "retried", delivery: row.delivery };
  return row?.found ? { outcome: "not_failed" } : { outcome: "missing" };
}

/** A `ping` delivery for the test route; null when there is no such webhook. */
export async function insertPing(db: Db, webhookId: number): Promise<DeliveryView | null> {
  const { rows } = await db.execute<{ delivery: DeliveryView }>(sql`
    with d as (
      insert into webhook_deliveries (webhook_id, event_type, payload)
      select id, 'ping', json_build_object('type', 'ping', 'timestamp', ${isoUtc(sql`now()`)},
                                           'data', json_build_object('webhook_id', id))
      from webhooks where id = ${webhookId}
      returning *
    )
    select ${deliveryJson} as delivery from d`);
  return rows[0]?.delivery ?? null;
}

export function listDeliveries(db: Db, webhookId: number, page: PageRequest): Promise<ChildPage<DeliveryView>> {
  return pageOfChildren<DeliveryView>(
    db,
    sql`select 1 from webhooks where id = ${webhookId}`,
    {
      count: sql`select count(*) from webhook_deliveries where webhook_id = ${webhookId}`,
      items: sql`select ${deliveryJson} as item, d.created_at, d.id from webhook_deliveries d where d.webhook_id = ${webhookId}`,
      order: sql`created_at desc nulls last, id desc nulls last`,
    },
    page,
  );
}

/** What the consumer needs to attempt a delivery; null when it is gone (webhook deleted). */
export type PendingDelivery = {
  id: number;
  attempts: number;
  payload: unknown;
  url: string;
  secretCiphertext: string;
};

/** The delivery while it is still to be made; null once settled or gone with its webhook. */
export async function findPendingDelivery(db: Db, id: number): Promise<PendingDelivery | null> {
  const { rows } = await db.execute<PendingDelivery>(sql`
    select d.id::int, d.attempts, d.payload, w.url, w.secret_ciphertext as "secretCiphertext"
    from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.id = ${id} and d.status = 'pending'`);
  return rows[0] ?? null;
}

/** Records one attempt: delivered, still pending (a retry will follow) or failed. */
export async function recordAttempt(
  db: Db,
  id: number,
  attempt: { status: DeliveryStatus; code: number | null; error: string | null },
): Promise<void> {
  await db.execute(sql`
    update webhook_deliveries set
      attempts = attempts + 1,
      status = ${attempt.status}::delivery_status,
      last_status_code = ${attempt.code}::int,
      last_error = ${attempt.error === null ? null : attempt.error.slice(0, 500)},
      delivered_at = case when ${attempt.status} = 'delivered' then now() else delivered_at end
    where id = ${id} and status = 'pending'`);
}

/** The dead-letter consumer's verdict: out of retries. */
export async function markFailed(db: Db, id: number, reason: string): Promise<void> {
  await db.execute(sql`
    update webhook_deliveries set status = 'failed', last_error = ${reason.slice(0, 500)}
    where id = ${id} and status = 'pending'`);
}

/**
 * Deliveries written `graceSeconds` ago and never attempted: their queue message was most likely
 * never sent (the Worker died before handing them on). Marked and returned, to enqueue again; one
 * still unattempted is returned again only `againAfterSeconds` after that, so a queue with a long
 * backlog is not sent a fresh copy of the same message every minute.
 */
export async function requeueUnattempted(db: Db, graceSeconds: number, againAfterSeconds: number): Promise<number[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    update webhook_deliveries set requeued_at = now()
    where id in (
      select id from webhook_deliveries
      where status = 'pending' and attempts = 0
        and created_at < now() - make_interval(secs => ${graceSeconds})
        and (requeued_at is null or requeued_at < now() - make_interval(secs => ${againAfterSeconds}))
      order by id
      limit 1000
      for update skip locked)
    returning id`);
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}
