import { autoResolve } from "./alerts/auto-resolve";
import { database } from "./db/database";
import { type Bindings, getConfig } from "./env";
import { RETENTION_HOURS } from "./events/idempotency";
import { purgeIdempotencyKeys } from "./events/ingest";
import { fanOut } from "./push/publisher";
import { claimChanges, justWritten, leftBehind } from "./push/store";
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
 * written but never enqueued, purges Idempotency-Key records older than their retention, and,
 * with AUTO_RESOLVE_AFTER set, resolves alerts that went quiet (published at once, like a PATCH).
 */
export async function runScheduled(
  env: Bindings,
): Promise<{ published: number; requeued: number; purged: number; resolved: number }> {
  const db = database(env);
  const after = getConfig(env).AUTO_RESOLVE_AFTER;
  const [claimed, stale, purged, resolvedHistory] = await Promise.all([
    claimChanges(db, leftBehind(OUTBOX_GRACE_SECONDS)),
    requeueUnattempted(db, QUEUE_GRACE_SECONDS, REQUEUE_AGAIN_SECONDS),
    purgeIdempotencyKeys(db, RETENTION_HOURS),
    after === null ? Promise.resolve([]) : autoResolve(db, after),
  ]);
  const resolved = resolvedHistory.length ? await claimChanges(db, justWritten(resolvedHistory)) : null;
  await fanOut(env, {
    notices: [...claimed.notices, ...(resolved?.notices ?? [])],
    deliveryIds: [...claimed.deliveryIds, ...(resolved?.deliveryIds ?? []), ...stale],
  });
  return { published: claimed.notices.length, requeued: stale.length, purged, resolved: resolvedHistory.length };
}
