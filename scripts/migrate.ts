import { fileURLToPath } from "node:url";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { createDb } from "../src/db/client";
import { installHotStatements } from "../src/db/hot";
import { hotStatements } from "../src/hot";

/**
 * Applies the SQL migrations in drizzle/ through the same Neon HTTP driver the Worker uses
 * (to Neon, or to the local SQL endpoint). All pending migrations and their bookkeeping go in
 * one batch, i.e. one transaction: a failing migration leaves the database as it was.
 * The bookkeeping table is drizzle-kit's own, so `drizzle-kit migrate` agrees with it.
 */
const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));

export async function applyMigrations(databaseUrl: string): Promise<number> {
  const sql = createDb(databaseUrl).$client;
  await sql.transaction([
    sql`create schema if not exists drizzle`,
    sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
  ]);
  const rows = await sql`select hash from drizzle.__drizzle_migrations`;
  const applied = new Set(rows.map((r) => String(r.hash)));
  const pending = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).filter((m) => !applied.has(m.hash));
  if (pending.length) {
    await sql.transaction([
      ...pending.flatMap((m) => m.sql.filter((s) => s.trim()).map((s) => sql.query(s))),
      ...pending.map((m) =>
        sql.query("insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)", [
          m.hash,
          m.folderMillis,
        ]),
      ),
    ]);
  }
  // After every migration run: the hot statements' functions, for the code as it is now.
  await installHotStatements(sql, hotStatements());
  return pending.length;
}

// `npm run db:migrate`: apply to DATABASE_URL (Neon in production).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("db:migrate: set DATABASE_URL to the target database (e.g. your Neon connection string).");
    process.exit(1);
  }
  applyMigrations(url).then(
    (n) => console.log(n ? `Applied ${n} migration(s).` : "Database is up to date."),
    (e: unknown) => {
      console.error(`db:migrate: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
