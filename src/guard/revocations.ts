import type { Context } from "hono";
import type { AppEnv, Bindings } from "../env";
import { ApiError } from "../http/errors";
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

/**
 * For a route whose database change takes access away (a revoked key, a deactivated user, a new
 * role or password): the revocation is in effect before the route answers. If it cannot be made
 * so, the answer is a 503 that says the change itself is stored (`stored`) and to repeat it.
 */
export async function revokeBeforeAnswering(c: Context<AppEnv>, revocation: Revocation, stored: string): Promise<void> {
  try {
    await applyRevocation(c.env, revocation);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        requestId: c.get("requestId"),
        msg: "revocation not propagated",
        error: String(error),
      }),
    );
    throw new ApiError(
      "SERVICE_UNAVAILABLE",
      `${stored}, but the change is not fully in effect yet; repeat the request.`,
      { headers: { "Retry-After": "5" } },
    );
  }
}

/** Ends one login session: its access tokens are refused, and its stream sockets closed. */
export async function endSession(env: Bindings, userId: number, session: string, until: number): Promise<void> {
  await Promise.all([
    guardNamed(env, { type: "user", id: userId }).endSession(session, until),
    streamHub(env).closeSockets({ type: "session", id: session }),
  ]);
}
