/**
 * Password hashing with PBKDF2-SHA256 through WebCrypto, usable from the Worker and from Node
 * scripts alike. Format: `pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>` (Django's layout),
 * so the cost can rise later: verification reads the iterations from the stored hash.
 */
import { fromBase64, timingSafeEqual, toBase64, toBase64Url } from "../bytes";

// workerd refuses PBKDF2 above 100,000 iterations; use the whole allowance.
export const PBKDF2_ITERATIONS = 100_000;
const ALGORITHM = "pbkdf2_sha256";
const KEY_BITS = 256;

export const MIN_PASSWORD_LENGTH = 12;

/** A strong password for someone to be given once (CLI and API alike): 144 random bits, base64url. */
export function generatePassword(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(18)));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${ALGORITHM}$${PBKDF2_ITERATIONS}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** Constant-time check; a malformed stored hash simply fails. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algorithm, iterations, salt, hash] = stored.split("$");
  if (algorithm !== ALGORITHM || !iterations || !salt || !hash) return false;
  const rounds = Number(iterations);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > PBKDF2_ITERATIONS) return false;
  let expected: Uint8Array<ArrayBuffer>;
  let saltBytes: Uint8Array<ArrayBuffer>;
  try {
    [expected, saltBytes] = [fromBase64(hash), fromBase64(salt)];
  } catch {
    return false;
  }
  return timingSafeEqual(await derive(password, saltBytes, rounds), expected);
}

/**
 * A valid hash of a random password, verified against when the username does not exist so
 * that unknown users cost the same time as wrong passwords (no user enumeration by timing).
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, KEY_BITS);
  return new Uint8Array(bits);
}
