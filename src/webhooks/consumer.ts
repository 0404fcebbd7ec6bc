import { database } from "../db/database";
import { type Bindings, type Config, getConfig } from "../env";
import type { DeadLetter, DeliveryMessage } from "./queue";
import { decryptSecret } from "./secrets";
import { signatureHeaders, webhookMessageId } from "./signature";
import { findPendingDelivery, markFailed, type PendingDelivery, recordAttempt } from "./store";
import { webhookUrlProblem } from "./url-rules";

/** How long a receiver has to answer (contract section 13). */
const TIMEOUT_MS = 15_000;

type Attempt = { ok: boolean; code: number | null; error: string | null };

/** The dead-letter queue's name ends so (wrangler.toml); every other batch is deliveries. */
const DEAD_LETTERS = /-dlq$/;

/** The Worker's `queue` handler: both webhook queues end here. */
export async function consumeWebhookBatch(
  batch: MessageBatch<DeliveryMessage | DeadLetter>,
  env: Bindings,
): Promise<void> {
  if (DEAD_LETTERS.test(batch.queue)) await consumeDeadLetters(batch as MessageBatch<DeadLetter>, env);
  else await consumeDeliveries(batch as MessageBatch<DeliveryMessage>, env);
}

/**
 * The webhook queue's consumer: one attempt per message. A 2xx within 15 s delivers it; anything
 * else is recorded and retried after the next delay of WEBHOOK_RETRY_SECONDS (growing delays);
 * out of delays, the message goes to the dead-letter queue, whose consumer marks it `failed`.
 * A message whose handling throws (database down) is retried by the queue and, past the queue's
 * own max_retries, dead-lettered too.
 */
async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Bindings): Promise<void> {
  const config = getConfig(env);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await handle(message, env, config);
      } catch (error) {
        console.error(JSON.stringify({ level: "error", msg: "webhook delivery failed to run", error: String(error) }));
        message.retry();
      }
    }),
  );
}

async function handle(message: Message<DeliveryMessage>, env: Bindings, config: Config): Promise<void> {
  const db = database(env);
  const delivery = await findPendingDelivery(db, message.body.deliveryId);
  // Deleted with its webhook, or already settled (a duplicate message): nothing to do.
  if (!delivery) return message.ack();
  // A target the rules refuse (stored before they tightened, or written around the API) would be
  // refused on every retry too: failed at once, with the reason, and nothing sent.
  const refused = webhookUrlProblem(delivery.url, config.WEBHOOK_ALLOW_INSECURE);
  if (refused) {
    await markFailed(db, delivery.id, `refused target: ${refused}`);
    return message.ack();
  }
  const attempt = await attemptDelivery(delivery, config);
  if (attempt.ok) {
    await recordAttempt(db, delivery.id, { status: "delivered", code: attempt.code, error: null });
    return message.ack();
  }
  await recordAttempt(db, delivery.id, { status: "pending", code: attempt.code, error: attempt.error });
  const delay = config.WEBHOOK_RETRY_SECONDS[delivery.attempts];
  if (delay !== undefined) return message.retry({ delaySeconds: delay });
  await env.WEBHOOK_DLQ.send({ deliveryId: delivery.id, reason: attempt.error ?? "out of retries" });
  message.ack();
}

/** POSTs the delivery, signed, to a target the URL rules allow; never follows a redirect (it could lead anywhere). */
async function attemptDelivery(delivery: PendingDelivery, config: Config): Promise<Attempt> {
  const body = JSON.stringify(delivery.payload);
  const secret = await decryptSecret(config.WEBHOOK_ENCRYPTION_KEY, delivery.secretCiphertext);
  const headers = await signatureHeaders(secret, webhookMessageId(delivery.id), Math.floor(Date.now() / 1000), body);
  try {
    const res = await fetch(delivery.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "Vigil-Webhooks/1.0", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300
      ? { ok: true, code: res.status, error: null }
      : { ok: false, code: res.status, error: `answered ${res.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { ok: false, code: null, error: timedOut ? "no answer within 15 s" : `could not connect: ${String(error)}` };
  }
}

/** The dead-letter queue's consumer: the delivery is out of retries. */
async function consumeDeadLetters(batch: MessageBatch<DeadLetter>, env: Bindings): Promise<void> {
  const db = database(env);
  for (const message of batch.messages) {
    await markFailed(db, message.body.deliveryId, message.body.reason ?? "the delivery kept failing to run");
    message.ack();
  }
}
