import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../local-db";
import { check, type Program, startProgram, waitFor } from "./process";
import { type AlertView, alertsWithKey, type Vigil } from "./vigil";

export const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";

/**
 * Debian's prometheus-alertmanager, alone and on loopback: its own config (one route, one webhook
 * receiver: Vigil's Alertmanager receiver, the key in `http_config.authorization` from a file),
 * its own storage directory, no cluster (`--cluster.listen-address=`), no default config or
 * templates from /etc. Short timings, so that a repeat and a resolution come within seconds.
 */
export async function startAlertmanager(dir: string, vigilUrl: string, key: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(join(dir, "data"), { recursive: true });
  const keyFile = join(dir, "vigil.key");
  writeFileSync(keyFile, key);
  chmodSync(keyFile, 0o600);
  const config = join(dir, "alertmanager.yml");
  writeFileSync(
    config,
    `route:
  receiver: vigil
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 4s
receivers:
  - name: vigil
    webhook_configs:
      - url: ${vigilUrl}/api/intake/alertmanager/
        send_resolved: true
        max_alerts: 1000
        http_config:
          authorization:
            type: Bearer
            credentials_file: ${keyFile}
`,
  );
  const program = startProgram(
    "alertmanager",
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      "--cluster.listen-address=",
      "--log.level=info",
    ],
    join(dir, "alertmanager.log"),
  );
  await waitFor(
    "Alertmanager to be ready",
    async () => ((await fetch(`${url}/-/ready`).catch(() => null))?.ok ? { done: true } : { seen: "not ready" }),
    30,
  );
  return { url, program };
}

type Injected = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
};

/** Alerts as Prometheus would push them to Alertmanager's own API (`POST /api/v2/alerts`). */
async function inject(url: string, alerts: Injected[]): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(alerts),
  });
  if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
}

/** Alertmanager's fingerprint for each of this run's alerts, by instance. */
async function fingerprints(url: string, run: string): Promise<Map<string, string>> {
  const res = await fetch(`${url}/api/v2/alerts?filter=${encodeURIComponent(`run="${run}"`)}`);
  const alerts = (await res.json()) as { fingerprint: string; labels: Record<string, string> }[];
  return new Map(alerts.map((a) => [a.labels.instance ?? "", a.fingerprint]));
}

/**
 * The proof of issue 19 with the real tool: alerts injected through Alertmanager's API reach Vigil
 * through its webhook; each firing alert appears once, its repeats group into it (as do the
 * resends when the group changes), and when Alertmanager sends `resolved` each is Resolved by the key.
 */
export async function proveAlertmanager(
  log: (msg: string) => void,
  am: { url: string; program: Program },
  vigil: Vigil,
  keyName: string,
): Promise<void> {
  const run = crypto.randomUUID().slice(0, 8);
  const alert = (i: number, endsAt: Date): Injected => ({
    labels: { alertname: `E2EProbeDown-${run}`, instance: `node-${i}:9100`, job: "node", severity: "critical", run },
    annotations: { summary: `node-${i}:9100 is down`, description: `The e2e run ${run} says node-${i} is down.` },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: endsAt.toISOString(),
  });
  const later = new Date(Date.now() + 3_600_000);
  const alertsOf = async (keys: Iterable<string>) =>
    Promise.all([...keys].map(async (fp) => ({ fp, alerts: await alertsWithKey(vigil, `am:${fp}`) })));
  const summary = (found: { alerts: AlertView[] }[]) =>
    found.map((f) => f.alerts.map((a) => `${a.status}x${a.event_count}`).join("+") || "none").join(", ");

  // Alertmanager holds `n` of this run's alerts: their fingerprints, by instance.
  const held = (n: number) =>
    waitFor(
      `Alertmanager to hold ${n} alerts`,
      async () => {
        const found = await fingerprints(am.url, run);
        return found.size === n ? { done: found } : { seen: `${found.size} alerts` };
      },
      10,
    );
  // Vigil's alerts for each fingerprint, once `ok` holds for every one.
  const inVigil = (what: string, fps: Map<string, string>, ok: (alerts: AlertView[]) => boolean) =>
    waitFor(
      what,
      async () => {
        const found = await alertsOf(fps.values());
        return found.every((f) => ok(f.alerts)) ? { done: found } : { seen: summary(found) };
      },
      30,
    );
  const once = (status: string) => (alerts: AlertView[]) => alerts.length === 1 && alerts[0]?.status === status;

  log("alertmanager: injecting 5 firing alerts through POST /api/v2/alerts");
  await inject(
    am.url,
    [0, 1, 2, 3, 4].map((i) => alert(i, later)),
  );
  const fps = await held(5);
  log(`  5 alerts, one each: ${summary(await inVigil("one Open alert in Vigil per firing alert", fps, once("Open")))}`);

  log("alertmanager: waiting for its repeats (repeat_interval 4s): they must group, not duplicate");
  const repeated = await inVigil("every alert to have grouped a repeat", fps, (a) => (a[0]?.event_count ?? 0) >= 2);
  check(
    repeated.every((f) => f.alerts.length === 1),
    `a repeat opened a second alert: ${summary(repeated)}`,
  );
  log(`  after repeats: ${summary(repeated)}`);

  log("alertmanager: a sixth alert joins the group (Alertmanager sends all six again)");
  await inject(am.url, [alert(5, later)]);
  const all = await held(6);
  log(`  six alerts, one each: ${summary(await inVigil("one Open alert for each of the six", all, once("Open")))}`);

  log("alertmanager: resolving all six (endsAt now); Alertmanager sends them resolved");
  await inject(
    am.url,
    [0, 1, 2, 3, 4, 5].map((i) => alert(i, new Date())),
  );
  const resolved = await inVigil("every alert Resolved", all, once("Resolved"));
  const id = resolved[0]?.alerts[0]?.id;
  const history = await vigil.get<{ results: { action: string; actor: { type: string; name: string }; to: string }[] }>(
    `/api/alerts/${id}/history/?page_size=100`,
  );
  const resolution = history.results.find((h) => h.action === "status_changed" && h.to === "Resolved");
  check(
    resolution?.actor.type === "key" && resolution.actor.name === keyName,
    `the resolution's actor is not the key: ${JSON.stringify(resolution)}`,
  );
  log(`  all six Resolved, each once, by key ${keyName}: ${summary(resolved)}`);
}
