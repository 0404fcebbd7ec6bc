import type { Bindings } from "../env";

/** A queue message: the delivery to attempt (its row holds everything else). */
export type DeliveryMessage = { deliveryId: number };
/** A dead letter: a delivery out of retries, or whose message kept failing. */
export type DeadLetter = DeliveryMessage & { reason?: string };

// Queues take at most 100 messages per sendBatch.
const SEND_BATCH = 100;

export async function enqueueDeliveries(env: Bindings, deliveryIds: number[]): Promise<void> {
  for (let i = 0; i < deliveryIds.length; i += SEND_BATCH) {
    await env.WEBHOOK_QUEUE.sendBatch(
      deliveryIds.slice(i, i + SEND_BATCH).map((deliveryId) => ({ body: { deliveryId } satisfies DeliveryMessage })),
    );
  }
}
