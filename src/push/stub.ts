import type { Bindings } from "../env";

/** The stream's one hub (see stream-hub.ts for how it would shard). */
export function streamHub(env: Bindings) {
  return env.STREAM_HUB.get(env.STREAM_HUB.idFromName("alerts"));
}
