import { fromBase64, toBase64 } from "../bytes";
import { SECRET_PREFIX } from "./secrets";

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-id` (the same on every retry),
 * `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">`, keyed with the base64-decoded part of the secret after `whsec_`.
 */
export async function signatureHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Promise<Record<string, string>> {
  const raw = fromBase64(secret.slice(SECRET_PREFIX.length));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${toBase64(new Uint8Array(mac))}`,
  };
}

/** A delivery's `webhook-id`: stable across its retries, unique across deliveries. */
export function webhookMessageId(deliveryId: number): string {
  return `msg_vigil_${deliveryId}`;
}
