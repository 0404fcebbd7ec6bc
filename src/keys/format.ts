/**
 * API keys: `vgl_` + 43 random base62 characters (256 bits, from 32+ random bytes) + a 6-character
 * CRC-32 checksum of them, in base62 like GitHub's tokens. The checksum is no secret: it only
 * lets a mistyped or made-up key be refused without a Durable Object or a database look-up.
 * Only a SHA-256 of the key is ever stored.
 */
import { sha256Hex } from "../bytes";
export const KEY_PREFIX = "vgl_";
const RANDOM_CHARS = 43;
const CHECKSUM_CHARS = 6;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const KEY_LENGTH = KEY_PREFIX.length + RANDOM_CHARS + CHECKSUM_CHARS;
export const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${RANDOM_CHARS + CHECKSUM_CHARS}}$`);
/** How many leading characters identify a key in listings (contract section 9). */
export const PREFIX_LENGTH = 12;

export function generateKey(): string {
  let random = "";
  while (random.length < RANDOM_CHARS) {
    for (const byte of crypto.getRandomValues(new Uint8Array(64))) {
      // 248 = 4 x 62: rejecting the rest keeps every character equally likely.
      if (byte < 248 && random.length < RANDOM_CHARS) random += BASE62[byte % 62];
    }
  }
  return `${KEY_PREFIX}${random}${checksum(random)}`;
}

/** Shape and checksum; says nothing about whether the key exists. */
export function isWellFormedKey(key: string): boolean {
  if (!KEY_PATTERN.test(key)) return false;
  const body = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + RANDOM_CHARS);
  return key.endsWith(checksum(body));
}

export function keyPrefix(key: string): string {
  return key.slice(0, PREFIX_LENGTH);
}

/** Keys are stored, and their guard objects named, by this hash only. */
export function keyHash(key: string): Promise<string> {
  return sha256Hex(key);
}

function checksum(text: string): string {
  let n = crc32(text);
  let out = "";
  for (let i = 0; i < CHECKSUM_CHARS; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
