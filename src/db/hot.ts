import type { NeonQueryFunction } from "@neondatabase/serverless";
import { fillPlaceholders, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { type Db, dbError } from "./client";

/**
 * Hot statements, planned once per database session instead of once per request.
 *
 * PostgreSQL plans every statement that arrives over Neon's SQL-over-HTTP (there are no named
 * prepared statements across requests), and the statements that carry most of the load are big:
 * planning the ingest statement cost about 2 ms of PostgreSQL's 3 per request, executing it less
 * than 1. PL/pgSQL keeps the plans of the statements in a function for the life of the session,
 * so a hot statement's text is installed as a function, `vigil_hot_<hash of the text>`, that
 * runs it as it is (`return query <text>`, its `$n` being the function's arguments), and the
 * Worker calls the function with the same arguments. The text is the source, in code: the
 * migrator (scripts/migrate.ts) installs a function for every shape of every statement in
 * src/hot.ts, asking PostgreSQL for the parameter and result types (PREPARE), and drops those no
 * shape has any more. A statement whose function is not there (a Worker older or newer than the
 * database's functions) runs as it is, planned each time: same text, same result, only slower.
 */
export type HotStatement = {
  /** The names of the statement's result columns, in order (its select list's). */
  columns: readonly string[];
  /** The text as sent, with `$n` for each parameter, and the parameters: values, or placeholders named by `sql.placeholder()`. */
  text: string;
  params: unknown[];
  /** Its function's name (the hash of its text). */
  name: string;
};

const dialect = new PgDialect();
const PREFIX = "vigil_hot_";
/** How long an isolate runs a statement as it is after its function was found missing. */
const MISSING_RECHECK_MS = 60_000;

/** cyrb53: a fast 53-bit hash, the same in the Worker and the migrator. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

/**
 * A statement rendered once (per isolate and shape: drizzle's rendering of the ingest statement
 * cost 0.2 ms of Worker CPU a request). Its per-request values are `sql.placeholder()`s, filled
 * by executeHot().
 */
export function prepareHot(columns: readonly string[], query: SQL): HotStatement {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { columns, text, params, name: `${PREFIX}${hash(text)}` };
}

/**
 * A statement's shapes, each rendered on first use and kept for the isolate's life: `build` gives
 * the statement of the shape a key names.
 */
export function hotShapes<K extends string | boolean>(
  columns: readonly string[],
  build: (key: K) => SQL,
): (key: K) => HotStatement {
  const prepared = new Map<K, HotStatement>();
  return (key) => {
    let statement = prepared.get(key);
    if (!statement) {
      statement = prepareHot(columns, build(key));
      prepared.set(key, statement);
    }
    return statement;
  };
}

const missing = new Map<string, number>();

/**
 * Runs a hot statement through its function (or, without one, as it is), its placeholders filled
 * from `values`; the rows as db.execute gives them.
 */
export async function executeHot<Row extends Record<string, unknown>>(
  db: Db,
  statement: HotStatement,
  values: Record<string, unknown>,
): Promise<Row[]> {
  const params = fillPlaceholders(statement.params, values);
  const client = db.$client;
  if ((missing.get(statement.name) ?? 0) < Date.now()) {
    const args = params.map((_, i) => `$${i + 1}`).join(", ");
    try {
      const { rows } = await client.query(
        `select * from ${statement.name}(${args}) as r(${statement.columns.join(", ")})`,
        params,
        { fullResults: true },
      );
      return rows as Row[];
    } catch (error) {
      // 42883: no such function (this text's function is not installed). Anything else is the statement's.
      if (dbError(error)?.code !== "42883") throw error;
      missing.set(statement.name, Date.now() + MISSING_RECHECK_MS);
    }
  }
  const { rows } = await client.query(statement.text, params, { fullResults: true });
  return rows as Row[];
}

/** Runs a statement as it is, its placeholders filled from `values` (statements with no function). */
export async function executeDirect<Row extends Record<string, unknown>>(
  db: Db,
  query: SQL,
  values: Record<string, unknown>,
): Promise<Row[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const { rows } = await db.$client.query(text, fillPlaceholders(params, values), { fullResults: true });
  return rows as Row[];
}

/**
 * Installs a function for each statement (idempotent: a function's name is its text's hash) and
 * drops the `vigil_hot_` functions of texts no longer in `statements`. Returns the names installed.
 */
export async function installHotStatements(
  sql: NeonQueryFunction<false, false>,
  statements: HotStatement[],
): Promise<string[]> {
  const installed: string[] = [];
  for (const { text, name, columns } of statements) {
    const [, described] = (await sql.transaction([
      sql.query(`prepare vigil_hot_probe as ${text}`),
      sql.query(
        "select parameter_types::text[] as params, result_types::text[] as results from pg_prepared_statements where name = 'vigil_hot_probe'",
      ),
      sql.query("deallocate vigil_hot_probe"),
    ])) as [unknown, { params: string[]; results: string[] }[]];
    const types = described[0];
    if (!types || types.results.length !== columns.length) {
      throw new Error(`hot statement ${name}: ${types?.results.length} result columns, ${columns.length} named`);
    }
    const out = types.results.map((type, i) => `vigil_out_${i + 1} ${type}`).join(", ");
    // Generic plans, always: left to choose, PostgreSQL kept re-planning the change statement for
    // every call (its custom plans look cheaper once the parameters fold away), which cost a PATCH
    // 1.2-1.4 ms of PostgreSQL CPU instead of 0.35, and made the function pointless.
    await sql.query(
      `create or replace function ${name}(${types.params.join(", ")}) returns table(${out})
       language plpgsql set plan_cache_mode = force_generic_plan
       as $vigil_hot$ begin return query ${text}; end $vigil_hot$`,
    );
    installed.push(name);
  }
  const stale = (await sql.query(
    `select oid::regprocedure::text as signature from pg_proc where proname like '${PREFIX}%' and not (proname = any($1))`,
    [installed],
  )) as { signature: string }[];
  for (const { signature } of stale) await sql.query(`drop function ${signature}`);
  return installed;
}
