import type { AuditActor } from "../audit/store";
import type { Db } from "../db/client";
import { generateKey, keyHash, keyPrefix } from "./format";
import type { KeyCreate } from "./schemas";
import { insertKey, type KeyView } from "./store";

/** Creates a key; the only moment the key itself exists outside its holder (routes and CLI alike). */
export async function issueKey(db: Db, input: KeyCreate, actor: AuditActor): Promise<KeyView & { key: string }> {
  const key = generateKey();
  const view = await insertKey(
    db,
    {
      name: input.name,
      prefix: keyPrefix(key),
      hash: await keyHash(key),
      scopes: input.scopes,
      rateLimit: input.rate_limit ?? null,
      expiresAt: input.expires_at ?? null,
    },
    actor,
  );
  return { ...view, key };
}
