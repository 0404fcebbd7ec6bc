import type { Context } from "hono";
import { database } from "../db/database";
import type { AppEnv, Bindings } from "../env";
import { enqueueDeliveries } from "../webhooks/queue";
import { type Claimed, claimChanges, justWritten } from "./store";
import { streamHub } from "./stub";

/**
 * The one place alert changes fan out. Every statement that changes an alert writes its history
 * rows (the outbox); the route hands their ids here, and this runs after the response
 * (`waitUntil`): one statement claims them and writes the webhook deliveries (push/store.ts),
 * then the notices go to the stream and the deliveries (with any the statement wrote itself) to
 * the queue. No route talks to the
 * stream or the queue itself.
 */
export function publish(c: Context<AppEnv>, historyIds: number[], deliveryIds: number[] = []): void {
  if (historyIds.length === 0 && deliveryIds.length === 0) return;
  c.executionCtx.waitUntil(
    publishChanges(c.env, historyIds, deliveryIds).catch((error: unknown) => {
      // If the claim failed, its rows stay unpublished and the sweep publishes them (stream and
      // webhooks). If only the hand-off failed, the sweep re-enqueues the unattempted deliveries;
      // the stream frames of a claimed batch are best effort and not sent again.
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

/**
 * Publishes now (for work outside a request: timers, sweeps): claims `historyIds`, then hands
 * their notices and deliveries on, with `deliveryIds`, deliveries the statement wrote itself
 * (silences, heartbeats: webhooks/announce.ts).
 */
export async function publishChanges(env: Bindings, historyIds: number[], deliveryIds: number[]): Promise<void> {
  const claimed = historyIds.length
    ? await claimChanges(database(env), justWritten(historyIds))
    : { notices: [], deliveryIds: [] };
  await fanOut(env, { notices: claimed.notices, deliveryIds: [...claimed.deliveryIds, ...deliveryIds] });
}

/** Hands claimed changes on: notices to the stream, deliveries to the queue. */
export async function fanOut(env: Bindings, claimed: Claimed): Promise<void> {
  await Promise.all([
    claimed.notices.length ? streamHub(env).broadcast(claimed.notices.map((n) => JSON.stringify(n))) : undefined,
    enqueueDeliveries(env, claimed.deliveryIds),
  ]);
}
