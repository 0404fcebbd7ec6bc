import { DurableObject } from "cloudflare:workers";
import type { TicketUse } from "../auth/tokens";
import { database } from "../db/database";
import { type Bindings, getConfig } from "../env";
import type { Credential } from "../guard/protocol";
import { readableKeyHashes } from "../keys/store";

/**
 * The live alert stream: one Durable Object holding every subscriber's WebSocket through the
 * hibernation API, so idle sockets cost nothing (the object is evicted from memory while they
 * stay open, and wakes for a broadcast or a message). `ping` is answered `pong` by the runtime
 * itself, without waking the object.
 *
 * The Worker authenticates and authorizes the upgrade request first (the same permission table
 * as every route); it hands over who subscribes, and the caps, in a header. A socket never
 * outlives its credential: it is closed (4001) at the first broadcast after its access token or
 * key expires, and at once when that credential is revoked (logout, an account change, a revoked
 * key), and the client connects again with a fresh ticket, or signs in again. Key sockets are
 * also re-checked against the database at least every access-token lifetime (an alarm), so a
 * revocation whose close call was lost still ends them.
 *
 * Caps (a flood of sockets from one credential slowed every subscriber's frames): at most
 * STREAM_MAX_SOCKETS_PER_PRINCIPAL open sockets per principal (a user, all sessions together,
 * or an API key) and STREAM_MAX_SOCKETS in all. Past either, the upgrade is refused (429)
 * rather than an older socket closed: no one can push anyone else's sockets out, and a
 * console tab that is refused retries with backoff instead of fighting the others. Sockets whose
 * credential has expired do not count (they are closed there and then), so the refusal's
 * `retryAfter` is true: by then the earliest of the counted sockets will have expired and gone.
 * Sockets that never expire (keys without expiry) promise no such time, and then there is none.
 *
 * Capacity: one object holds tens of thousands of hibernated sockets (Cloudflare's limit is the
 * object's memory, not a socket count); a broadcast is one loop over them. Past that, shard by
 * subscriber (e.g. `hub:<n>` for n = hash(principal) mod N) and have the publisher call all N.
 */
export const SUBSCRIBER_HEADER = "X-Vigil-Subscriber";
const TICKET_PREFIX = "ticket:";

/** Whose sockets a revocation closes: a user's, one login session's, or an API key's. */
export type SocketOwner =
  | { type: "user"; id: number }
  | { type: "session"; id: string }
  | { type: "key"; hash: string };

/** The tag a socket is filed under for each owner (hibernation keeps tags with the socket). */
function ownerTag(owner: SocketOwner): string {
  return owner.type === "key" ? `key:${owner.hash}` : `${owner.type}:${owner.id}`;
}

/** Every owner whose revocation must close a socket opened with this credential. */
export function ownersOf(credential: Credential): string[] {
  if (credential.type === "key") return [ownerTag(credential)];
  return [
    ownerTag({ type: "user", id: credential.principal.id }),
    ownerTag({ type: "session", id: credential.session }),
  ];
}

export type Subscriber = {
  /** Tags from ownersOf(); the first is the principal's (user or key), which the cap counts. */
  owners: string[];
  /** Epoch ms when the credential it connected with expires (null: never). */
  expiresAt: number | null;
  /** For an API key: its hash, for the periodic re-check. */
  key: string | null;
  /** A ticket's id, to be spent exactly once. */
  ticket?: TicketUse;
  /** The Worker's configured caps. */
  limits: { perPrincipal: number; total: number };
};

/** What each socket carries through hibernation. */
type Attachment = { expiresAt: number | null; key: string | null };

/** The hub's answer when a cap is reached: the Worker turns it into a 429 problem. */
export type Refusal = {
  cap: "principal" | "total";
  limit: number;
  /** Seconds until a counted socket is sure to have gone, or null if none of them ever expires. */
  retryAfter: number | null;
};

const RECHECK_AT = "recheck-at";
/** When the database cannot answer a re-check, try again this soon. */
const RECHECK_RETRY_MS = 60_000;

export class StreamHub extends DurableObject<Bindings> {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** The upgrade, already authorized by the Worker. 401 when its ticket was already used, 429 past a cap. */
  override async fetch(request: Request): Promise<Response> {
    const subscriber = JSON.parse(request.headers.get(SUBSCRIBER_HEADER) ?? "null") as Subscriber | null;
    const principal = subscriber?.owners[0];
    if (!subscriber || !principal) return new Response(null, { status: 400 });
    if (subscriber.ticket && !(await this.spendTicket(subscriber.ticket))) return new Response(null, { status: 401 });
    // Counted after the last await and accepted in the same turn: concurrent upgrades cannot
    // both take the last place.
    const refusal =
      this.capReached("principal", this.ctx.getWebSockets(principal), subscriber.limits.perPrincipal) ??
      this.capReached("total", this.ctx.getWebSockets(), subscriber.limits.total);
    if (refusal) return Response.json(refusal, { status: 429 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, subscriber.owners);
    const attachment: Attachment = { expiresAt: subscriber.expiresAt, key: subscriber.key };
    server.serializeAttachment(attachment);
    if (subscriber.key) await this.scheduleRecheck();
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * The refusal when `sockets` (a principal's, or all) are at `limit`, or null. Expired sockets
   * are closed here rather than counted, so a client that waits `retryAfter` finds room.
   */
  private capReached(cap: Refusal["cap"], sockets: WebSocket[], limit: number): Refusal | null {
    if (sockets.length < limit) return null;
    const now = Date.now();
    let open = 0;
    const expiries: number[] = [];
    for (const socket of sockets) {
      // One closed a moment ago may still be listed until its closing handshake ends.
      if (socket.readyState !== WebSocket.OPEN) continue;
      const { expiresAt } = attachmentOf(socket);
      if (expiresAt !== null && expiresAt <= now) {
        closeExpired(socket);
        continue;
      }
      open++;
      if (expiresAt !== null) expiries.push(expiresAt);
    }
    if (open < limit) return null;
    // Room for one more once `open - limit + 1` of them have expired (more than one if the cap was lowered).
    const freeing = expiries.sort((a, b) => a - b)[open - limit];
    const retryAfter = freeing === undefined ? null : Math.max(1, Math.ceil((freeing - now) / 1000));
    return { cap, limit, retryAfter };
  }

  /** Sends each frame to every live subscriber; returns how many sockets received them. */
  broadcast(frames: string[]): number {
    const now = Date.now();
    let reached = 0;
    for (const socket of this.ctx.getWebSockets()) {
      const { expiresAt } = attachmentOf(socket);
      if (expiresAt !== null && expiresAt <= now) {
        closeExpired(socket);
        continue;
      }
      try {
        for (const frame of frames) socket.send(frame);
        reached++;
      } catch {
        // A socket closing under us: the close handler tidies up.
      }
    }
    return reached;
  }

  /** Closes the sockets of a revoked credential, before the revocation answers; returns how many. */
  closeSockets(owner: SocketOwner): number {
    const sockets = this.ctx.getWebSockets(ownerTag(owner));
    for (const socket of sockets) socket.close(4001, "credential revoked: sign in again or use another key");
    return sockets.length;
  }

  /** How many sockets are open, in all or for one owner: for tests. */
  subscribers(owner?: SocketOwner): number {
    return this.ctx.getWebSockets(owner && ownerTag(owner)).length;
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // Subscribers only listen; `ping` never gets here (auto-response). Say so once, politely.
    if (message !== "ping")
      socket.send(JSON.stringify({ type: "error", detail: "This stream takes no messages but `ping`." }));
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    socket.close(code === 1005 ? 1000 : code, reason);
  }

  /** Single use, for the whole world: this one object is the only place tickets are spent. */
  private async spendTicket(ticket: TicketUse): Promise<boolean> {
    const key = TICKET_PREFIX + ticket.id;
    if ((await this.ctx.storage.get(key)) !== undefined) return false;
    await this.ctx.storage.put(key, ticket.expiresAt);
    await this.alarmBy(ticket.expiresAt + 1000);
    return true;
  }

  /** Key sockets are re-checked at least every access-token lifetime from the first one's opening. */
  private async scheduleRecheck(): Promise<void> {
    if ((await this.ctx.storage.get(RECHECK_AT)) !== undefined) return;
    const at = Date.now() + getConfig(this.env).ACCESS_TOKEN_TTL_SECONDS * 1000;
    await this.ctx.storage.put(RECHECK_AT, at);
    await this.alarmBy(at);
  }

  /** The one alarm fires no later than `at`. */
  private async alarmBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** Forgets spent tickets once they would have expired anyway, and re-checks key sockets when due. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const spent = await this.ctx.storage.list<number>({ prefix: TICKET_PREFIX });
    const expired = [...spent].filter(([, until]) => until <= now).map(([key]) => key);
    if (expired.length) await this.ctx.storage.delete(expired);
    const next = [...spent.values()].filter((until) => until > now).map((until) => until + 1000);
    const recheckAt = await this.ctx.storage.get<number>(RECHECK_AT);
    if (recheckAt !== undefined && recheckAt <= now) {
      const again = await this.recheckKeySockets();
      if (again === null) await this.ctx.storage.delete(RECHECK_AT);
      else {
        await this.ctx.storage.put(RECHECK_AT, again);
        next.push(again);
      }
    } else if (recheckAt !== undefined) next.push(recheckAt);
    if (next.length) await this.ctx.storage.setAlarm(Math.min(...next));
  }

  /**
   * Closes (4001) key sockets whose key may no longer read (revoked, expired, or gone) and expired
   * sockets of every kind; returns when to re-check next, or null when no key socket is left.
   */
  private async recheckKeySockets(): Promise<number | null> {
    const now = Date.now();
    const keySockets: [WebSocket, string][] = [];
    for (const socket of this.ctx.getWebSockets()) {
      const { expiresAt, key } = attachmentOf(socket);
      if (expiresAt !== null && expiresAt <= now) closeExpired(socket);
      else if (key) keySockets.push([socket, key]);
    }
    if (keySockets.length === 0) return null;
    let readable: Set<string>;
    try {
      readable = await readableKeyHashes(database(this.env), [...new Set(keySockets.map(([, key]) => key))]);
    } catch (error) {
      // Sockets stay open on the word of the revocation path; the re-check tries again soon.
      console.error(JSON.stringify({ level: "error", msg: "stream key re-check failed", error: String(error) }));
      return now + RECHECK_RETRY_MS;
    }
    let left = 0;
    for (const [socket, key] of keySockets) {
      if (readable.has(key)) left++;
      else socket.close(4001, "credential revoked: sign in again or use another key");
    }
    return left ? now + getConfig(this.env).ACCESS_TOKEN_TTL_SECONDS * 1000 : null;
  }
}

function attachmentOf(socket: WebSocket): Attachment {
  const { expiresAt = null, key = null } = (socket.deserializeAttachment() ?? {}) as Partial<Attachment>;
  return { expiresAt, key };
}

function closeExpired(socket: WebSocket): void {
  socket.close(4001, "credential expired: reconnect with a new ticket or token");
}
