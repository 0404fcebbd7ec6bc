import { database } from "./db/database";
import type { Bindings } from "./env";
import { RETENTION_HOURS } from "./events/idempotency";
import { purgeIdempotencyKeys } from "./events/ingest";
import { fanOut } from "./push/publisher";
import { claimChanges, leftBehind } from "./push/store";
import { requeueUnattempted } from "./webhooks/store";

/** Changes younger than this are the publisher's own (it runs right after the response). */
const OUTBOX_GRACE_SECONDS = 30;
/** A delivery not attempted this long after it was written never reached the queue. */
const QUEUE_GRACE_SECONDS = 120;
/** One the sweep re-enqueued and still unattempted is re-enqueued again after this long. */
const REQUEUE_AGAIN_SECONDS = 600;

/**
 * The Cron Trigger (every minute, wrangler.toml): publishes what a Worker wrote but never handed
 * on (it died between its statement and the publisher), re-enqueues webhook deliveries that were
 * written but never enqueued, and purges Idempotency-Key records older than their retention.
 */
export async function runScheduled(env: Bindings): Promise<{ published: number; requeued: number; purged: number }> {
  const db = database(env);
  const [claimed, stale, purged] = await Promise.all([
    claimChanges(db, leftBehind(OUTBOX_GRACE_SECONDS)),
    requeueUnattempted(db, QUEUE_GRACE_SECONDS, REQUEUE_AGAIN_SECONDS),
    purgeIdempotencyKeys(db, RETENTION_HOURS),
  ]);
  await fanOut(env, { notices: claimed.notices, deliveryIds: [...claimed.deliveryIds, ...stale] });
  return { published: claimed.notices.length, requeued: stale.length, purged };
}
