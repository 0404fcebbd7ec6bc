import { signServiceToken } from "../src/auth/tokens";
import { REVOCATIONS_PURPOSE, type Revocation } from "../src/internal/protocol";

/**
 * The CLIs write to the database directly; a change that takes access away (a deactivated user,
 * a new role or password, a revoked key) must also reach the principal's Durable Object so that
 * the very next request is refused. This tells the running API, through its internal route.
 */
export type ApiTarget = { url: string; secret: string; issuer: string; audience: string };

/** Where the running API is, from VIGIL_API_URL / JWT_SECRET (or the local dev defaults). */
export function apiTarget(local: Map<string, string> | null): ApiTarget | string {
  const env = process.env;
  const url = env.VIGIL_API_URL ?? (local ? `http://127.0.0.1:${env.VIGIL_API_PORT ?? 8787}` : undefined);
  const secret = env.JWT_SECRET ?? local?.get("JWT_SECRET");
  if (!url || !secret) return "set VIGIL_API_URL and JWT_SECRET so the running API can be told (see README)";
  return {
    url: url.replace(/\/$/, ""),
    secret,
    issuer: env.JWT_ISSUER ?? local?.get("JWT_ISSUER") ?? "vigil",
    audience: env.JWT_AUDIENCE ?? local?.get("JWT_AUDIENCE") ?? "vigil-api",
  };
}

/** Resolves when the API confirmed; rejects with a one-line reason otherwise. */
export async function notifyApi(target: ApiTarget | string, revocation: Revocation): Promise<void> {
  if (typeof target === "string") throw new Error(target);
  const token = await signServiceToken(
    { JWT_SECRET: target.secret, JWT_ISSUER: target.issuer, JWT_AUDIENCE: target.audience },
    REVOCATIONS_PURPOSE,
  );
  let res: Response;
  try {
    res = await fetch(`${target.url}/api/internal/revocations/`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(revocation),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new Error(`the API at ${target.url} is unreachable (${e instanceof Error ? e.message : String(e)})`);
  }
  if (res.status !== 204) throw new Error(`the API at ${target.url} answered ${res.status}`);
}
