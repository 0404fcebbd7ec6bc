/**
 * Optimistic concurrency on a resource that carries a version (contract section 12): the
 * version is its strong ETag, `"v<version>"`. The version rises with every change to the
 * representation, so the ETag changes whenever anything in it does.
 */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/** Versions are PostgreSQL `integer`s: a larger one names no representation that can exist. */
const MAX_VERSION = 2_147_483_647;

/**
 * What `If-Match` asks for: any version (`*` or no header: null), one version, or something that
 * can never match (a list of several, a weak tag, a version past MAX_VERSION, garbage): then the
 * precondition fails, without the database ever seeing the number.
 */
export function expectedVersion(ifMatch: string | undefined): number | null | "never" {
  if (ifMatch === undefined || ifMatch.trim() === "*") return null;
  const match = /^\s*"v([1-9]\d{0,9})"\s*$/.exec(ifMatch);
  const version = match?.[1] ? Number(match[1]) : Number.NaN;
  return version <= MAX_VERSION ? version : "never";
}

/** Whether `If-None-Match` names this version (or `*`): then a GET answers 304. */
export function notModified(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const tag = etagOf(version);
  return ifNoneMatch.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === tag);
}
