/**
 * Webhook signing secrets: `whsec_` + base64 of 32 random bytes (Standard Webhooks), shown once
 * at creation. They must be read back to sign each delivery, so they cannot be stored as hashes:
 * they are stored encrypted with AES-256-GCM under WEBHOOK_ENCRYPTION_KEY (a Worker secret), so
 * a copy of the database alone cannot forge deliveries.
 */
import { fromBase64, toBase64 } from "../bytes";
export const SECRET_PREFIX = "whsec_";

export function newWebhookSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

const keys = new Map<string, Promise<CryptoKey>>();

function encryptionKey(base64Key: string): Promise<CryptoKey> {
  let key = keys.get(base64Key);
  if (!key) {
    key = crypto.subtle.importKey("raw", fromBase64(base64Key), "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(base64Key, key);
  }
  return key;
}

/** `<iv>.<ciphertext>`, both base64. */
export async function encryptSecret(base64Key: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await encryptionKey(base64Key),
    new TextEncoder().encode(secret),
  );
  return `${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

export async function decryptSecret(base64Key: string, stored: string): Promise<string> {
  const [iv = "", sealed = ""] = stored.split(".");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv) },
    await encryptionKey(base64Key),
    fromBase64(sealed),
  );
  return new TextDecoder().decode(plain);
}
