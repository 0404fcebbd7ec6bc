import type { Bindings } from "../env";
import type { Revocation } from "../internal/protocol";
import { streamHub } from "../push/stub";
import { guardNamed } from "./stub";

/**
 * Makes a revocation effective before it answers: the principal's Durable Object refuses the
 * credential from the next request on, and the stream closes the sockets opened with it.
 */
export async function applyRevocation(env: Bindings, revocation: Revocation): Promise<void> {
  await Promise.all([
    revocation.type === "user"
      ? guardNamed(env, { type: "user", id: revocation.id }).voidTokensBefore(revocation.generation)
      : guardNamed(env, revocation).revokeKey(),
    streamHub(env).closeSockets(revocation),
  ]);
}

/** Ends one login session: its access tokens are refused, and its stream sockets closed. */
export async function endSession(env: Bindings, userId: number, session: string, until: number): Promise<void> {
  await Promise.all([
    guardNamed(env, { type: "user", id: userId }).endSession(session, until),
    streamHub(env).closeSockets({ type: "session", id: session }),
  ]);
}
