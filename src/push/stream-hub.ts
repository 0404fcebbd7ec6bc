import { DurableObject } from "cloudflare:workers";
import type { TicketUse } from "../auth/tokens";
import type { Bindings } from "../env";
import type { Credential } from "../guard/protocol";

/**
 * The live alert stream: one Durable Object holding every subscriber's WebSocket through the
 * hibernation API, so idle sockets cost nothing (the object is evicted from memory while they
 * stay open, and wakes for a broadcast or a message). `ping` is answered `pong` by the runtime
 * itself, without waking the object.
 *
 * The Worker authenticates and authorizes the upgrade request first (the same permission table
 * as every route); it hands over who subscribes in a header. A socket never outlives its
 * credential: it is closed (4001) at the first broadcast after its access token or key expires,
 * and at once when that credential is revoked (logout, an account change, a revoked key), and
 * the client connects again with a fresh ticket, or signs in again.
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
  /** Tags from ownersOf(). */
  owners: string[];
  /** Epoch ms when the credential it connected with expires (null: never). */
  expiresAt: number | null;
  /** A ticket's id, to be spent exactly once. */
  ticket?: TicketUse;
};

export class StreamHub extends DurableObject<Bindings> {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** The upgrade, already authorized by the Worker. 401 when its ticket was already used. */
  override async fetch(request: Request): Promise<Response> {
    const subscriber = JSON.parse(request.headers.get(SUBSCRIBER_HEADER) ?? "null") as Subscriber | null;
    if (!subscriber) return new Response(null, { status: 400 });
    if (subscriber.ticket && !(await this.spendTicket(subscriber.ticket))) return new Response(null, { status: 401 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, subscriber.owners);
    server.serializeAttachment({ expiresAt: subscriber.expiresAt });
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends each frame to every live subscriber; returns how many sockets received them. */
  broadcast(frames: string[]): number {
    const now = Date.now();
    let reached = 0;
    for (const socket of this.ctx.getWebSockets()) {
      const { expiresAt } = (socket.deserializeAttachment() ?? {}) as Partial<Subscriber>;
      if (expiresAt && expiresAt <= now) {
        socket.close(4001, "credential expired: reconnect with a new ticket or token");
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
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(ticket.expiresAt + 1000);
    return true;
  }

  /** Forgets spent tickets once they would have expired anyway. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const spent = await this.ctx.storage.list<number>({ prefix: TICKET_PREFIX });
    const expired = [...spent].filter(([, until]) => until <= now).map(([key]) => key);
    if (expired.length) await this.ctx.storage.delete(expired);
    const next = Math.min(...[...spent.values()].filter((until) => until > now));
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next + 1000);
  }
}
