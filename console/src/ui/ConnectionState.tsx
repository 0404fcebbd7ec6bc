import { useSyncExternalStore } from "hono/jsx/dom";
import type { LiveStream, StreamState } from "../api/stream";

const LABELS: Record<StreamState, string> = {
  live: "Live",
  connecting: "Connecting…",
  offline: "Offline, retrying",
};

/**
 * Whether what is on screen is being kept current: analysts must know when it is not. Not a
 * live region: while the server is unreachable the state flips at every retry, and announcing
 * each flip would drown everything else a screen reader says.
 */
export function ConnectionState({ stream }: { stream: LiveStream }) {
  const state = useSyncExternalStore(stream.subscribeState, stream.getState);
  return (
    <p class={`connection ${state}`} data-state={state}>
      <span class="dot" aria-hidden="true" />
      Live updates: {LABELS[state]}
    </p>
  );
}
