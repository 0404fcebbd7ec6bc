import { createApp } from "./app";
import type { Bindings } from "./env";
import { runScheduled } from "./scheduled";
import { consumeWebhookBatch } from "./webhooks/consumer";
import type { DeadLetter, DeliveryMessage } from "./webhooks/queue";

export { PrincipalGuard } from "./guard/durable-object";
export { HeartbeatTimer } from "./heartbeats/timer";
export { StreamHub } from "./push/stream-hub";

// Built once per isolate: route compilation and the OpenAPI registry are not per-request work.
const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    await consumeWebhookBatch(batch, env);
  },
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(runScheduled(env));
  },
} satisfies ExportedHandler<Bindings, DeliveryMessage | DeadLetter>;
