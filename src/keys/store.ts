import { sql } from "drizzle-orm";
import { type AuditActor, recordAudit } from "../audit/store";
import type { Db } from "../db/client";
import type { KeyScope } from "../db/schema";
import { isoUtc } from "../db/sql";
import type { PageRequest } from "../http/pagination";

/** The api_keys table's only door: the Worker, the key's Durable Object, the stream hub and the keys CLI. */

/** What a key's Durable Object keeps in memory (times in epoch milliseconds). */
export type KeyRecord = {
  id: number;
  name: string;
  scopes: KeyScope[];
  rateLimit: string | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
};

/** The API's representation (contract section 9), without the key itself. */
export type KeyView = {
  id: number;
  name: string;
  prefix: string;
  scopes: KeyScope[];
  rate_limit: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
};

const keyJson = sql`json_build_object(
  'id', k.id,
  'name', k.name,
  'prefix', k.prefix,
  'scopes', to_json(k.scopes),
  'rate_limit', k.rate_limit,
  'created_by', (select u.username from users u where u.id = k.created_by_id),
  'created_at', ${isoUtc(sql`k.created_at`)},
  'expires_at', ${isoUtc(sql`k.expires_at`)},
  'last_used_at', ${isoUtc(sql`k.last_used_at`)},
  'revoked_at', ${isoUtc(sql`k.revoked_at`)}
)`;

const epochMs = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);

export async function findKeyByHash(db: Db, hash: string): Promise<KeyRecord | null> {
  const { rows } = await db.execute<KeyRecord>(sql`
    select id, name, scopes::text[] as scopes, rate_limit as "rateLimit", ${epochMs("expires_at")} as "expiresAt",
           ${epochMs("last_used_at")} as "lastUsedAt", ${epochMs("revoked_at")} as "revokedAt"
    from api_keys where key_hash = ${hash}`);
  return rows[0] ?? null;
}

/** Of these key hashes, those whose keys may still read: not revoked, not expired, scope `read`. */
export async function readableKeyHashes(db: Db, hashes: string[]): Promise<Set<string>> {
  const { rows } = await db.execute<{ key_hash: string }>(sql`
    select key_hash from api_keys
    where key_hash in (select jsonb_array_elements_text(${JSON.stringify(hashes)}::jsonb)) and revoked_at is null
      and (expires_at is null or expires_at > now()) and scopes @> '{read}'`);
  return new Set(rows.map((r) => r.key_hash));
}

/** `last_used_at` only moves forward, whichever write lands last. */
export async function touchKey(db: Db, id: number, at: Date): Promise<void> {
  await db.execute(sql`
    update api_keys set last_used_at = greatest(last_used_at, ${at.toISOString()}::timestamptz) where id = ${id}`);
}

export type NewKey = {
  name: string;
  prefix: string;
  hash: string;
  scopes: KeyScope[];
  rateLimit: string | null;
  expiresAt: string | null;
};

/** Stores the key (its creator: the admin, or nobody from the CLI), audited by the same statement. */
export async function insertKey(db: Db, key: NewKey, actor: AuditActor): Promise<KeyView> {
  const createdById = actor.type === "user" ? actor.id : null;
  const { rows } = await db.execute<{ key: KeyView }>(sql`
    with k as (
      insert into api_keys (name, prefix, key_hash, scopes, rate_limit, expires_at, created_by_id)
      values (${key.name}, ${key.prefix}, ${key.hash}, ${`{${key.scopes.join(",")}}`}::key_scope[], ${key.rateLimit},
              ${key.expiresAt}::timestamptz, ${createdById}::int)
      returning *
    ), audited as (
      ${recordAudit(actor, sql`select 'key.created', 'key', id, name, null, array_to_string(scopes, ',') from k`)}
    )
    select ${keyJson} as key from k`);
  const [row] = rows;
  if (!row) throw new Error("key insert returned no row");
  return row.key;
}

export async function findKey(db: Db, id: number): Promise<KeyView | null> {
  const { rows } = await db.execute<{ key: KeyView }>(sql`select ${keyJson} as key from api_keys k where k.id = ${id}`);
  return rows[0]?.key ?? null;
}

/** One page, newest first, and the total count, in one round trip. */
export async function listKeys(db: Db, page: PageRequest): Promise<{ count: number; results: KeyView[] }> {
  const { rows } = await db.execute<{ total: string; key: KeyView }>(sql`
    select (select count(*) from api_keys) as total, ${keyJson} as key
    from (select id from api_keys order by created_at desc nulls last, id desc nulls last limit ${page.limit} offset ${page.offset}) p
    join api_keys k on k.id = p.id
    order by k.created_at desc nulls last, k.id desc nulls last`);
  return { count: Number(rows[0]?.total ?? 0), results: rows.map((r) => r.key) };
}

/**
 * Marks the key revoked (the first revocation's time is kept, and only it is audited) and returns
 * its hash, which names its Durable Object; null when no such key exists.
 */
export async function revokeKey(db: Db, id: number, actor: AuditActor): Promise<{ hash: string } | null> {
  const { rows } = await db.execute<{ hash: string }>(sql`
    with r as (
      update api_keys set revoked_at = now() where id = ${id} and revoked_at is null returning id, name
    ), audited as (
      ${recordAudit(actor, sql`select 'key.revoked', 'key', id, name, null, null from r`)}
    )
    select key_hash as hash from api_keys where id = ${id}`);
  return rows[0] ?? null;
}
