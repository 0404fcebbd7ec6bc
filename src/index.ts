import { createApp } from "./app";
import type { Bindings } from "./env";
import { runScheduled } from "./scheduled";
import { consumeDeadLetters, consumeDeliveries } from "./webhooks/consumer";
import type { DeadLetter, DeliveryMessage } from "./webhooks/queue";

export { PrincipalGuard } from "./guard/durable-object";
export { StreamHub } from "./push/stream-hub";

// Built once per isolate: route compilation and the OpenAPI registry are not per-request work.
const app = createApp();

/** The dead-letter queue's name ends so (wrangler.toml); every other batch is deliveries. */
const DEAD_LETTERS = /-dlq$/;

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (DEAD_LETTERS.test(batch.queue)) await consumeDeadLetters(batch as MessageBatch<DeadLetter>, env);
    else await consumeDeliveries(batch as MessageBatch<DeliveryMessage>, env);
  },
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(runScheduled(env).then(() => undefined));
  },
} satisfies ExportedHandler<Bindings, DeliveryMessage | DeadLetter>;
