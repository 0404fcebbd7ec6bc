import type { Context } from "hono";
import { database } from "../db/database";
import type { AppEnv, Bindings } from "../env";
import { enqueueDeliveries } from "../webhooks/queue";
import { type AlertNotice, type Claimed, claimChanges, justWritten } from "./store";
import { streamHub } from "./stub";

/**
 * What a statement leaves to fan out: notices for the stream and webhook deliveries it wrote
 * itself (the hot paths publish their own changes: events/ingest.ts, alerts/changes.ts), and
 * outbox history rows still to claim (everything else that changes an alert).
 */
export type Outgoing = { notices?: AlertNotice[]; deliveryIds?: number[]; historyIds?: number[] };

/**
 * The one place alert changes fan out. The route hands over what its statement left (see
 * Outgoing), and this runs after the response (`waitUntil`): outbox rows are claimed first
 * (one statement, push/store.ts), then the notices go to the stream and the deliveries to the
 * queue. No route talks to the stream or the queue itself.
 */
export function publish(c: Context<AppEnv>, out: Outgoing): void {
  if (!out.notices?.length && !out.deliveryIds?.length && !out.historyIds?.length) return;
  c.executionCtx.waitUntil(
    publishChanges(c.env, out).catch((error: unknown) => {
      // If the claim failed, its rows stay unpublished and the sweep publishes them (stream and
      // webhooks). If only the hand-off failed, the sweep re-enqueues the unattempted deliveries;
      // the stream frames are best effort and not sent again.
      console.warn(
        JSON.stringify({
          level: "warn",
          requestId: c.get("requestId"),
          msg: "publishing deferred to the sweep",
          error: String(error),
        }),
      );
    }),
  );
}

/** Publishes now (for work outside a request: timers, sweeps); see publish(). */
export async function publishChanges(env: Bindings, out: Outgoing): Promise<void> {
  const claimed = out.historyIds?.length
    ? await claimChanges(database(env), justWritten(out.historyIds))
    : { notices: [], deliveryIds: [] };
  await fanOut(env, {
    notices: [...(out.notices ?? []), ...claimed.notices],
    deliveryIds: [...(out.deliveryIds ?? []), ...claimed.deliveryIds],
  });
}

/** Hands changes on: notices to the stream, deliveries to the queue (each only when there are any). */
export async function fanOut(env: Bindings, claimed: Claimed): Promise<void> {
  await Promise.all([
    claimed.notices.length ? streamHub(env).broadcast(claimed.notices.map((n) => JSON.stringify(n))) : undefined,
    enqueueDeliveries(env, claimed.deliveryIds),
  ]);
}
