import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { cpuDelta, sampleCpu } from "../../bench/cpu";
import { loadCpu } from "../../bench/throughput";
import { waitSampler } from "../../bench/waits";
import { workerdConfig } from "../../bench/workerd-config";
import { freePort } from "../../scripts/local-db";
import { startSqlEndpoint } from "../../scripts/sql-endpoint";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-test-"));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("SQL endpoint --db-latency (bench item 3)", () => {
  it("holds every SQL answer, errors included, but not readiness checks", async () => {
    // A port where no PostgreSQL listens: every query is answered 503 at once, then held.
    const endpoint = await startSqlEndpoint({
      connectionString: `postgresql://x:y@127.0.0.1:${await freePort()}/none`,
      latencyMs: 400,
    });
    try {
      const order: string[] = [];
      const started = performance.now();
      const query = fetch(endpoint.url, { method: "POST", body: JSON.stringify({ query: "select 1" }) }).then((r) => {
        order.push("sql");
        return { status: r.status, ms: performance.now() - started };
      });
      const health = fetch(endpoint.url.replace(/\/sql$/, "/health")).then((r) => {
        order.push("health");
        return r.status;
      });
      const [sql, healthStatus] = await Promise.all([query, health]);
      expect(sql.status).toBe(503);
      expect(sql.ms).toBeGreaterThanOrEqual(390);
      expect(healthStatus).toBe(200);
      expect(order).toEqual(["health", "sql"]);
    } finally {
      await endpoint.close();
    }
  });
});

describe("SQL endpoint latency set while running (the latency run's no-latency floor)", () => {
  it("applies a new hold from the next answer on", async () => {
    const endpoint = await startSqlEndpoint({
      connectionString: `postgresql://x:y@127.0.0.1:${await freePort()}/none`,
      latencyMs: 600,
    });
    try {
      const order: string[] = [];
      const query = (name: string) =>
        fetch(endpoint.url, { method: "POST", body: JSON.stringify({ query: "select 1" }) }).then(() => {
          order.push(name);
        });
      const held = query("held");
      await new Promise((r) => setTimeout(r, 100)); // `held` is answered (503 at once), then held
      endpoint.setLatency(0);
      await Promise.all([held, query("unheld")]);
      expect(order).toEqual(["unheld", "held"]);
    } finally {
      await endpoint.close();
    }
  });
});

describe("workerd config generated from wrangler.toml (bench item 1)", () => {
  const bundleDir = () => {
    const dir = tempDir();
    writeFileSync(join(dir, "index.js"), "export default {}");
    return dir;
  };
  const generate = (configPath: string, vars: Record<string, string> = {}) =>
    workerdConfig({ configPath, bundleDir: bundleDir(), vars, port: 1234, storageDir: "/tmp/do" });

  it("carries the compatibility settings, every var, the Durable Objects with SQLite storage, queues and assets", () => {
    const capnp = generate(`${root}wrangler.toml`);
    const toml = readFileSync(`${root}wrangler.toml`, "utf8");
    expect(capnp).toContain(`compatibilityDate = "${/^compatibility_date = "(.+)"$/m.exec(toml)?.[1]}"`);
    for (const [, name, value] of toml.matchAll(/^([A-Z_]+) = "(.*)"$/gm)) {
      expect(capnp).toContain(`(name = "${name}", text = "${value}")`);
    }
    for (const [binding, className] of [
      ["GUARD", "PrincipalGuard"],
      ["STREAM_HUB", "StreamHub"],
    ]) {
      expect(capnp).toContain(`(name = "${binding}", durableObjectNamespace = "${className}")`);
      expect(capnp).toMatch(new RegExp(`className = "${className}", uniqueKey = "[^"]+", enableSql = true`));
    }
    // Queue producers go to a sink (no consumer runs in plain workerd); assets from their folder.
    expect(capnp).toContain('(name = "WEBHOOK_QUEUE", queue = "queue-sink")');
    expect(capnp).toContain(`(name = "assets", disk = (path = "${root}console/dist"))`);
    expect(capnp).toContain('durableObjectStorage = (localDisk = "do-storage")');
    expect(capnp).toContain('(name = "index.js", esModule = embed "index.js")');
  });

  it("lets the bench's vars win, escaped as Cap'n Proto text", () => {
    const capnp = generate(`${root}wrangler.toml`, { SERVER_TIMING: "on", JWT_SECRET: 'a"b\\c\nd' });
    expect(capnp).toContain('(name = "SERVER_TIMING", text = "on")');
    expect(capnp).not.toContain('(name = "SERVER_TIMING", text = "off")');
    expect(capnp).toContain('(name = "JWT_SECRET", text = "a\\x22b\\x5cc\\x0ad")');
  });

  it("refuses bindings it cannot serve rather than start a Worker that fails later", () => {
    const configPath = join(tempDir(), "wrangler.toml");
    writeFileSync(
      configPath,
      'name = "x"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n',
    );
    expect(() => generate(configPath)).toThrow(/kv_namespaces/);
  });
});

describe("CPU accounting from /proc (bench item 1)", () => {
  it("counts a child that has exited, through its parent's reaped time", () => {
    const self = [{ name: "self", pid: process.pid }];
    const before = sampleCpu(self);
    // About 300 ms of CPU in a child process that exits (and is reaped) before the second sample.
    execFileSync(process.execPath, [
      "-e",
      "const s = process.cpuUsage(); while (process.cpuUsage(s).user < 300000) Math.sqrt(Math.random());",
    ]);
    const used = cpuDelta(before, sampleCpu(self)).self?.total ?? 0;
    expect(used).toBeGreaterThanOrEqual(250);
  });
});

describe("Throughput mode's wait sampler (issue 22)", () => {
  it("names its own backend, and sees another backend's wait", async () => {
    const postgresUrl = inject("postgresUrl");
    const waits = waitSampler(postgresUrl);
    const other = new pg.Client(postgresUrl);
    await other.connect();
    try {
      const pid = await waits.open();
      const { rows } = await other.query("select backend_type from pg_stat_activity where pid = $1", [pid]);
      expect(rows).toEqual([{ backend_type: "client backend" }]);
      // Its backend is a process of this machine, whose CPU the bench can read.
      expect(sampleCpu([{ name: "sampler", pid }]).sampler?.processes).toBe(1);
      await waits.before();
      await other.query("select pg_sleep(0.3)");
      await waits.after();
      const result = waits.result();
      expect(result.samples).toBeGreaterThanOrEqual(5);
      expect(result.shares["Timeout:PgSleep"]).toBeGreaterThan(0);
    } finally {
      await waits.after(); // a second stop (as a failed run's) is harmless
      await other.end();
    }
  });

  it("leaves the sampler's CPU out of PostgreSQL's and reports the rest as measured", () => {
    const component = (total: number) => ({ total, byProgram: {}, processes: 1 });
    expect(
      loadCpu({ workerd: component(100), endpoint: component(20), postgres: component(50), sampler: component(8) }),
    ).toEqual({ workerd: 100, endpoint: 20, postgres: 42 });
  });
});
