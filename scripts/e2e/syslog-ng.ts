import { execFileSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { check, type Program, startProgram, waitFor } from "./process";
import { eventCount, eventsFrom, type Vigil } from "./vigil";

export const SYSLOG_NG = "/usr/sbin/syslog-ng";

/**
 * A stand-in for a flaky network between the shipper and Vigil, on loopback. It fails two
 * deliveries, each its own way: the first it answers 503 itself (nothing reaches Vigil, as when
 * a proxy or the edge fails); the second it passes through and then loses Vigil's answer,
 * answering 503 instead (Vigil stored the batch; the shipper cannot know, and sends it again).
 * It passes every later one through, counting them.
 */
async function flakyProxy(target: string) {
  /**
   * `lostCreated`: how many events Vigil stored from the delivery whose answer was lost;
   * `duplicates`: how many items Vigil answered as stored before, in the deliveries passed.
   */
  const seen = { refused: 0, lost: 0, lostCreated: 0, passed: 0, duplicates: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      if (seen.refused === 0) {
        seen.refused++;
        res.writeHead(503, { "Retry-After": "1" }).end();
        return;
      }
      const lose = seen.lost === 0;
      if (lose) seen.lost++;
      else seen.passed++;
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" && k !== "host" ? [[k, v]] : [])),
        ),
        body: Buffer.concat(chunks),
      });
      const text = Buffer.from(await answer.arrayBuffer());
      if (lose) {
        seen.lostCreated = (JSON.parse(text.toString("utf8")) as { created?: number }).created ?? 0;
        res.writeHead(503, { "Retry-After": "1" }).end();
        return;
      }
      const results = (JSON.parse(text.toString("utf8")) as { results?: { duplicate?: boolean }[] }).results ?? [];
      seen.duplicates += results.filter((r) => r.duplicate === true).length;
      res.writeHead(answer.status, { "Content-Type": answer.headers.get("Content-Type") ?? "text/plain" });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

/** `3.38` from `syslog-ng 3 (3.38.1)`: the config must declare the version it is written for. */
function syslogNgVersion(): string {
  const out = execFileSync(SYSLOG_NG, ["--version"], { encoding: "utf8" });
  const version = /\((\d+\.\d+)/.exec(out)?.[1];
  if (!version) throw new Error(`cannot read syslog-ng's version from: ${out.split("\n")[0]}`);
  return version;
}

/**
 * Debian's syslog-ng (syslog-ng-core + syslog-ng-mod-http), alone: its own config (a file source
 * of NDJSON lines, taken as they are, `flags(no-parse)`; the http() destination batching them to
 * Vigil's ECS receiver), its own persist file, pid file and control socket, no system() source,
 * no /etc config. The same destination block is the README's.
 */
function startSyslogNg(dir: string, linesFile: string, url: string, key: string): Program {
  const config = join(dir, "syslog-ng.conf");
  writeFileSync(
    config,
    `@version: ${syslogNgVersion()}
options { stats-freq(0); };
source s_ecs { file("${linesFile}" flags(no-parse) follow-freq(1)); };
destination d_vigil {
  http(
    url("${url}/api/intake/ecs/")
    method("POST")
    headers("Content-Type: application/x-ndjson", "Authorization: Bearer ${key}")
    body("\${MESSAGE}")
    delimiter("\\n")
    batch-lines(50)
    batch-timeout(1000)
    retries(10)
    time-reopen(1)
    timeout(10)
  );
};
log { source(s_ecs); destination(d_vigil); };
`,
  );
  chmodSync(config, 0o600);
  return startProgram(
    "syslog-ng",
    SYSLOG_NG,
    [
      "--foreground",
      "--stderr",
      "--no-caps",
      `--cfgfile=${config}`,
      `--persist-file=${join(dir, "syslog-ng.persist")}`,
      `--pidfile=${join(dir, "syslog-ng.pid")}`,
      `--control=${join(dir, "syslog-ng.ctl")}`,
    ],
    join(dir, "syslog-ng.log"),
  );
}

/**
 * The proof of issue 19 with the real shipper: N ECS lines written to a file (each with its
 * `event.id`, as shippers give them), shipped by syslog-ng in batches of 50 through a proxy that
 * fails two deliveries (one refused before Vigil, one stored by Vigil with its answer lost), so
 * syslog-ng sends both batches again: N events stored, each line once.
 */
export async function proveSyslogNg(log: (msg: string) => void, dir: string, vigil: Vigil, key: string): Promise<void> {
  const lines = 200;
  const run = crypto.randomUUID().slice(0, 8);
  const host = `e2e-syslog-${run}`;
  const linesFile = join(dir, "events.ndjson");
  const at = new Date(Date.now() - 60_000).toISOString();
  writeFileSync(
    linesFile,
    Array.from({ length: lines }, (_, i) =>
      JSON.stringify({
        "@timestamp": at,
        event: {
          id: `${run}-${i}`,
          action: "ssh_login",
          category: ["authentication"],
          outcome: "failure",
          severity: 30,
        },
        host: { name: host },
        source: { ip: `203.0.113.${i % 250}` },
        user: { name: "root" },
        message: `Failed password for root from 203.0.113.${i % 250} port ${40_000 + i} ssh2`,
      }),
    )
      .join("\n")
      .concat("\n"),
  );
  const proxy = await flakyProxy(vigil.url);
  log(
    `syslog-ng: shipping ${lines} ECS lines in batches of 50; the first delivery refused (503), ` +
      "the second stored with its answer lost (503)",
  );
  const program = startSyslogNg(dir, linesFile, proxy.url, key);
  try {
    await waitFor(
      `${lines} events from ${host}`,
      async () => {
        const count = await eventCount(vigil, host);
        return count >= lines ? { done: count } : { seen: `${count} events, proxy ${JSON.stringify(proxy.seen)}` };
      },
      60,
    );
    // Whatever syslog-ng still had queued would show now: the batches are all acknowledged.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const events = await eventsFrom(vigil, host);
    const ids = events.map((e) => (e.metadata.ecs as { event?: { id?: string } }).event?.id ?? "");
    check(events.length === lines, `${events.length} events stored for ${lines} lines`);
    check(new Set(ids).size === lines, `some line was stored twice: ${lines - new Set(ids).size} duplicates`);
    check(proxy.seen.refused === 1, `the proxy refused ${proxy.seen.refused} deliveries, not 1`);
    check(proxy.seen.lost === 1, `the proxy lost ${proxy.seen.lost} answers, not 1`);
    check(proxy.seen.lostCreated > 0, "the delivery whose answer was lost stored nothing: the retry proves nothing");
    check(
      proxy.seen.duplicates === proxy.seen.lostCreated,
      `Vigil answered ${proxy.seen.duplicates} items as duplicates, not the ${proxy.seen.lostCreated} sent again`,
    );
    check(/Server returned with a 5XX/.test(program.tail(200)), "syslog-ng did not report the failed delivery");
    log(
      `  ${events.length} events, each line once; syslog-ng sent the refused batch and the one whose answer ` +
        `was lost (${proxy.seen.lostCreated} events stored by it) again: ${proxy.seen.passed} deliveries passed`,
    );
  } catch (error) {
    console.error(`--- syslog-ng's log ---\n${program.tail()}`);
    throw error;
  } finally {
    await program.stop();
    await proxy.close();
  }
}
