import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

/** Throws (and so becomes a 503) when the database cannot answer a trivial query. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
