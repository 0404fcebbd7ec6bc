/**
 * A local stand-in for Neon's SQL-over-HTTP endpoint, in front of a real PostgreSQL, so that dev,
 * tests and the bench run the exact driver code production runs (@neondatabase/serverless
 * `neon()` posting to `fetchEndpoint`). Never deployed; binds to 127.0.0.1 only.
 *
 * Protocol, as the driver speaks it (node_modules/@neondatabase/serverless/index.mjs):
 * - POST `{query, params}`, or `{queries: [{query, params}, ...]}` for a batch that must run in one
 *   transaction (headers `Neon-Batch-Isolation-Level`, `Neon-Batch-Read-Only`, `Neon-Batch-Deferrable`).
 * - Params arrive already serialised by the driver (strings or null).
 * - 200 `{fields: [{name, dataTypeID, ...}], rows: [[raw text | null]], command, rowCount, rowAsArray}`,
 *   or `{results: [...]}` for a batch; the driver parses the raw text by `dataTypeID` itself.
 * - A PostgreSQL error is HTTP 400 with `{message, code, detail, constraint, ...}`; anything else
 *   (database unreachable) is a non-400 status, which the driver reports as a server error.
 * `GET /health` answers 200 "ok" for readiness checks.
 *
 * `latencyMs` holds every SQL answer that long before sending it, standing in for the round trip
 * from a Worker to its database's region (the bench's `--db-latency`); readiness checks are not held.
 */
import http from "node:http";
import pg from "pg";

type QueryInput = { query: string; params?: unknown[] };
type Endpoint = {
  port: number;
  url: string;
  /** Changes the hold on answers from now on (the bench measures each route with and without it). */
  setLatency(ms: number): void;
  close(): Promise<void>;
};

// Raw text for every type: parsing is the driver's job, exactly as with Neon.
const rawText = { getTypeParser: () => (value: string) => value };

const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};

export async function startSqlEndpoint(options: {
  connectionString: string;
  port?: number;
  latencyMs?: number;
}): Promise<Endpoint> {
  let latencyMs = options.latencyMs ?? 0;
  // Sessions in UTC with ISO dates, as Neon's are, whatever the machine's time zone.
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: 20,
    options: "-c TimeZone=UTC -c DateStyle=ISO",
  });
  // An idle client losing its connection (postgres stopped) must not crash the process.
  pool.on("error", () => {});

  const server = http.createServer((req, res) => {
    handle(pool, req).then(
      ({ status, body }) => {
        const text = typeof body === "string";
        const send = () => {
          res.writeHead(status, { "Content-Type": text ? "text/plain" : "application/json" });
          res.end(text ? body : JSON.stringify(body));
        };
        // Held after the database has answered and its connection is back in the pool, as a
        // network delay would be: the wait must not occupy PostgreSQL.
        if (latencyMs > 0 && !isReadinessCheck(req)) setTimeout(send, latencyMs);
        else send();
      },
      () => {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message: "internal endpoint error" }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}/sql`,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

type Reply = { status: number; body: unknown };

function isReadinessCheck(req: http.IncomingMessage): boolean {
  return req.method === "GET" && (req.url ?? "").split("?")[0] === "/health";
}

async function handle(pool: pg.Pool, req: http.IncomingMessage): Promise<Reply> {
  const path = (req.url ?? "").split("?")[0];
  if (isReadinessCheck(req)) return { status: 200, body: "ok" };
  if (path !== "/sql") return { status: 404, body: { message: "not found" } };
  if (req.method !== "POST") return { status: 405, body: { message: "use POST" } };

  let payload: unknown;
  try {
    payload = JSON.parse(await readBody(req));
  } catch {
    return { status: 400, body: { message: "request body is not valid JSON" } };
  }
  const batch = isObject(payload) && Array.isArray(payload.queries) ? payload.queries : undefined;
  const queries = (batch ?? [payload]).filter(isQuery);
  if (batch ? queries.length !== batch.length : queries.length === 0) {
    return { status: 400, body: { message: "expected {query, params} or {queries: [...]}" } };
  }

  if (batch?.length === 0) return { status: 200, body: { results: [] } };

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    return { status: 503, body: { message: `database unavailable: ${messageOf(e)}` } };
  }
  let broken = false;
  try {
    if (!batch) return { status: 200, body: await run(client, queries[0] as QueryInput) };
    await client.query(beginStatement(req.headers));
    try {
      const results = [];
      for (const q of queries) results.push(await run(client, q));
      await client.query("commit");
      return { status: 200, body: { results } };
    } catch (e) {
      await client.query("rollback").catch(() => {
        broken = true;
      });
      throw e;
    }
  } catch (e) {
    if (isPgError(e)) return { status: 400, body: pgErrorBody(e) };
    broken = true;
    return { status: 503, body: { message: `database unavailable: ${messageOf(e)}` } };
  } finally {
    client.release(broken);
  }
}

async function run(client: pg.PoolClient, q: QueryInput) {
  // Neon always uses the extended protocol, so "select 1; select 2" is an error there; pg would
  // otherwise send parameterless text as a simple query and accept it. (`queryMode` is untyped.)
  const config: pg.QueryArrayConfig & { queryMode: "extended" } = {
    text: q.query,
    values: q.params ?? [],
    rowMode: "array",
    types: rawText,
    queryMode: "extended",
  };
  const result = await client.query(config);
  return {
    fields: result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: f.format,
    })),
    rows: result.rows,
    command: result.command,
    rowCount: result.rowCount,
    rowAsArray: true,
  };
}

function beginStatement(headers: http.IncomingHttpHeaders): string {
  const parts = ["begin"];
  const level = ISOLATION_LEVELS[String(headers["neon-batch-isolation-level"] ?? "")];
  if (level) parts.push(`isolation level ${level}`);
  if (headers["neon-batch-read-only"] === "true") parts.push("read only");
  if (headers["neon-batch-deferrable"] === "true") parts.push("deferrable");
  return parts.join(" ");
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isQuery(v: unknown): v is QueryInput {
  return isObject(v) && typeof v.query === "string" && (v.params === undefined || Array.isArray(v.params));
}

// A PostgreSQL error carries a five-character SQLSTATE; connection failures do not.
function isPgError(e: unknown): e is pg.DatabaseError {
  return e instanceof pg.DatabaseError && typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code);
}

function pgErrorBody(e: pg.DatabaseError): Record<string, unknown> {
  const body: Record<string, unknown> = { message: e.message };
  for (const field of ERROR_FIELDS) if (e[field] !== undefined) body[field] = e[field];
  return body;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
