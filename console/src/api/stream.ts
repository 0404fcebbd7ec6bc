import { readJson, type Session } from "./session";
import type { StreamMessage } from "./types";

export type StreamState = "connecting" | "live" | "offline";

/** What subscribers hear: an alert change, or "you may have missed changes, reload". */
export type StreamEvent = StreamMessage | { type: "resync" };

// Reconnect delays after a drop, in seconds; the last one repeats. Reset once a socket opens.
const BACKOFF = [1, 2, 5, 10, 30];
// A socket can die without a close frame (laptop sleep, a proxy); a ping that gets no pong in
// time is treated as a drop.
const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;

function isStreamMessage(value: unknown): value is StreamMessage {
  if (typeof value !== "object" || value === null) return false;
  const { type, alert } = value as Record<string, unknown>;
  return (type === "alert.created" || type === "alert.updated") && typeof alert === "object" && alert !== null;
}

/**
 * The live alert stream (contract section 13). Browsers cannot set headers on a WebSocket, so
 * each connection first fetches a single-use ticket with the access token.
 */
export class LiveStream {
  #state: StreamState = "offline";
  #socket: WebSocket | null = null;
  #attempt = 0;
  #everOpened = false;
  #stopped = true;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;
  #pongDeadline: ReturnType<typeof setTimeout> | undefined;
  readonly #stateListeners = new Set<() => void>();
  readonly #listeners = new Set<(event: StreamEvent) => void>();

  constructor(private readonly session: Session) {}

  subscribeState = (listener: () => void): (() => void) => {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  };

  getState = (): StreamState => this.#state;

  listen(listener: (event: StreamEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#clearKeepalive();
    this.#socket?.close(1000, "signed out");
    this.#socket = null;
    this.#setState("offline");
  }

  async #connect(): Promise<void> {
    this.#setState("connecting");
    let ticket: string;
    try {
      const res = await this.session.json("/api/auth/stream-ticket/", "POST", {});
      ticket = (await readJson<{ ticket: string }>(res)).ticket;
    } catch {
      // No ticket (server unreachable, session ending) is a drop like any other: the state
      // shows it and we retry; a session that has really ended stops the stream.
      this.#scheduleReconnect();
      return;
    }
    if (this.#stopped) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}/api/alerts/stream/?ticket=${encodeURIComponent(ticket)}`);
    this.#socket = socket;
    socket.addEventListener("open", () => this.#opened());
    socket.addEventListener("message", (e) => this.#received(e.data));
    socket.addEventListener("close", () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#clearKeepalive();
      this.#scheduleReconnect();
    });
  }

  #opened(): void {
    this.#attempt = 0;
    this.#setState("live");
    // The stream only carries changes made after connecting: after a drop, views reload.
    if (this.#everOpened) this.#emit({ type: "resync" });
    this.#everOpened = true;
    this.#ping = setInterval(() => {
      this.#socket?.send("ping");
      this.#pongDeadline ??= setTimeout(() => this.#socket?.close(4000, "no pong"), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  #received(data: unknown): void {
    if (data === "pong") {
      clearTimeout(this.#pongDeadline);
      this.#pongDeadline = undefined;
      return;
    }
    if (typeof data !== "string") return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return; // not ours to act on: the stream only promises JSON alert frames and "pong"
    }
    if (isStreamMessage(message)) this.#emit(message);
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    this.#setState("offline");
    const delay = BACKOFF[Math.min(this.#attempt, BACKOFF.length - 1)] ?? 30;
    this.#attempt += 1;
    this.#retry = setTimeout(() => void this.#connect(), delay * 1000);
  }

  #clearKeepalive(): void {
    clearInterval(this.#ping);
    clearTimeout(this.#pongDeadline);
    this.#pongDeadline = undefined;
  }

  #emit(event: StreamEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  #setState(state: StreamState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener();
  }
}
