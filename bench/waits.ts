import pg from "pg";

/**
 * What PostgreSQL's client backends are doing while a scenario runs, from `pg_stat_activity`
 * sampled every few milliseconds over its own connection: per sample, each active backend is
 * "CPU" (active, waiting on nothing) or its wait event (`Lock:transactionid`, `LWLock:WALWrite`,
 * `IO:DataFileRead`, `Client:ClientRead`...). Reported as the average number of active backends
 * and each state's share of them: lock waits on alert or history rows show here, CPU shows as CPU.
 */
export type Waits = { samples: number; activeBackends: number; shares: Record<string, number> };

const EVERY_MS = 5;

export function waitSampler(connectionString: string) {
  let client = new pg.Client({ connectionString });
  const counts = new Map<string, number>();
  let samples = 0;
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  return {
    async before(): Promise<void> {
      counts.clear();
      samples = 0;
      running = true;
      client = new pg.Client({ connectionString });
      await client.connect();
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
    async after(): Promise<void> {
      running = false;
      await loop;
      await client.end();
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
