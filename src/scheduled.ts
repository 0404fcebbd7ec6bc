import { autoResolve } from "./alerts/auto-resolve";
import { wakeSnoozed } from "./alerts/snooze";
import { database } from "./db/database";
import { type Bindings, getConfig } from "./env";
import { RETENTION_HOURS } from "./events/idempotency";
import { purgeRetryRecords } from "./events/ingest";
import { markLate } from "./heartbeats/lateness";
import { recoverHeartbeats, unrecoveredHeartbeats } from "./heartbeats/recovery";
import { overdueHeartbeats } from "./heartbeats/store";
import { heartbeatTimer } from "./heartbeats/timer";
import { fanOut, type Outgoing } from "./push/publisher";
import { claimChanges, justWritten, leftBehind } from "./push/store";
import { purgeRuleHits } from "./rules/store";
import { announceExpiredSilences } from "./silences/store";
import { requeueUnattempted } from "./webhooks/store";

/** A heartbeat this long past due and not late has lost its timer (it would have rung by now). */
const TIMER_GRACE_SECONDS = 30;
/** Changes younger than this are the publisher's own (it runs right after the response). */
const OUTBOX_GRACE_SECONDS = 30;
/** A delivery not attempted this long after it was written never reached the queue. */
const QUEUE_GRACE_SECONDS = 120;
/** One the sweep re-enqueued and still unattempted is re-enqueued again after this long. */
const REQUEUE_AGAIN_SECONDS = 600;

/**
 * The Cron Trigger (every minute, wrangler.toml): publishes what a Worker wrote but never handed
 * on (it died between its statement and the publisher), re-enqueues webhook deliveries that were
 * written but never enqueued, purges Idempotency-Key records older than their retention and
 * threshold rules' hits older than the longest window, and,
 * with AUTO_RESOLVE_AFTER set, resolves alerts that went quiet; wakes alerts whose snooze ran out
 * (both published at once, like a PATCH); announces silences that ran out (`silence.ended`); and
 * repairs heartbeats whose timer was lost (overdue ones go late here, and their timers start again)
 * or whose recovery was (beaten since they went late, still late).
 */
export async function runScheduled(env: Bindings): Promise<{
  published: number;
  requeued: number;
  purged: number;
  /** Threshold hits forgotten (older than any window). */
  hitsPurged: number;
  resolved: number;
  woken: number;
  /** `silence.ended` deliveries written for silences that ran out. */
  silencesEnded: number;
  heartbeatsRepaired: number;
  heartbeatsRecovered: number;
}> {
  const db = database(env);
  const after = getConfig(env).AUTO_RESOLVE_AFTER;
  const [claimed, stale, purged, hitsPurged, resolvedHistory, wokenHistory, silenceEnds, overdue, beatenBack] =
    await Promise.all([
      claimChanges(db, leftBehind(OUTBOX_GRACE_SECONDS)),
      requeueUnattempted(db, QUEUE_GRACE_SECONDS, REQUEUE_AGAIN_SECONDS),
      purgeRetryRecords(db, RETENTION_HOURS),
      purgeRuleHits(db),
      after === null ? Promise.resolve([]) : autoResolve(db, after),
      wakeSnoozed(db),
      announceExpiredSilences(db),
      overdueHeartbeats(db, TIMER_GRACE_SECONDS),
      unrecoveredHeartbeats(db),
    ]);
  const none: Outgoing = {};
  const [late, back] = await Promise.all([
    overdue.length ? markLate(db, overdue) : none,
    beatenBack.length ? recoverHeartbeats(db, beatenBack) : none,
  ]);
  const ours = [...resolvedHistory, ...wokenHistory, ...(late.historyIds ?? []), ...(back.historyIds ?? [])];
  const mine = ours.length ? await claimChanges(db, justWritten(ours)) : null;
  await Promise.all([
    fanOut(env, {
      notices: [...claimed.notices, ...(mine?.notices ?? []), ...(late.notices ?? [])],
      deliveryIds: [
        ...claimed.deliveryIds,
        ...(mine?.deliveryIds ?? []),
        ...stale,
        ...silenceEnds,
        ...(late.deliveryIds ?? []),
        ...(back.deliveryIds ?? []),
      ],
    }),
    // Their timers were lost: started again, they watch from here on.
    ...overdue.map((id) => heartbeatTimer(env, id).watch(id)),
  ]);
  return {
    published: claimed.notices.length,
    requeued: stale.length,
    purged,
    hitsPurged,
    resolved: resolvedHistory.length,
    woken: wokenHistory.length,
    silencesEnded: silenceEnds.length,
    heartbeatsRepaired: overdue.length,
    heartbeatsRecovered: beatenBack.length,
  };
}
