import pg from "pg";

/**
 * What PostgreSQL's client backends are doing while a scenario runs, from `pg_stat_activity`
 * sampled every few milliseconds over its own connection: per sample, each active backend is
 * "CPU" (active, waiting on nothing) or its wait event (`Lock:transactionid`, `LWLock:WALWrite`,
 * `IO:DataFileRead`, `Client:ClientRead`...). Reported as the average number of active backends
 * and each state's share of them: lock waits on alert or history rows show here, CPU shows as CPU.
 */
export type Waits = { samples: number; activeBackends: number; shares: Record<string, number> };

/**
 * Every 25 ms: the sampler is a backend too, and its own CPU (every sample reads all backends'
 * status) is left out of PostgreSQL's figure (throughput.ts), but it still takes that CPU from the
 * machine under test. Sampling every 5 ms took about 8% of a core, 0.13 ms of every ingest's
 * reported PostgreSQL CPU; every 25 ms still gives about 200 samples in a 6 s scenario.
 */
const EVERY_MS = 25;

export function waitSampler(connectionString: string) {
  const client = new pg.Client({ connectionString });
  const counts = new Map<string, number>();
  let samples = 0;
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  let open = false;
  return {
    /** Connects; the process id of its backend, whose CPU is the sampler's own. */
    async open(): Promise<number> {
      await client.connect();
      open = true;
      const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
      return Number(rows[0]?.pid);
    },
    async before(): Promise<void> {
      counts.clear();
      samples = 0;
      running = true;
      loop = (async () => {
        while (running) {
          const { rows } = await client.query<{ state: string; n: number }>(`
            select coalesce(wait_event_type || ':' || wait_event, 'CPU') as state, count(*)::int as n
            from pg_stat_activity
            where backend_type = 'client backend' and state = 'active' and pid <> pg_backend_pid()
            group by 1`);
          samples += 1;
          for (const r of rows) counts.set(r.state, (counts.get(r.state) ?? 0) + r.n);
          await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
        }
      })();
    },
    /** Stops sampling and disconnects (again is a no-op: the throughput mode also calls it when a run fails). */
    async after(): Promise<void> {
      running = false;
      await loop;
      if (open) await client.end();
      open = false;
    },
    result(): Waits {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const shares = Object.fromEntries(
        [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([state, n]) => [state, total ? n / total : 0]),
      );
      return { samples, activeBackends: samples ? total / samples : 0, shares };
    },
  };
}
