/** The Vigil API as the end-to-end scripts use it: over HTTP, as any client. */
export type Vigil = {
  url: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
};

export function vigilClient(url: string, auth: Record<string, string>): Vigil {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return { url, get: (path) => call("GET", path), post: (path, body) => call("POST", path, body) };
}

export type AlertView = { id: number; status: string; event_count: number; dedup_key: string | null };
export type EventView = { id: number; metadata: Record<string, unknown>; ingested_by: { name: string } | null };
type Page<T> = { count: number; next: string | null; results: T[] };

/** Every alert with this dedup key, resolved or not. */
export async function alertsWithKey(vigil: Vigil, key: string): Promise<AlertView[]> {
  return (await vigil.get<Page<AlertView>>(`/api/alerts/?dedup_key=${encodeURIComponent(key)}&page_size=100`)).results;
}

/** Every event from this source, all pages. */
export async function eventsFrom(vigil: Vigil, source: string): Promise<EventView[]> {
  const events: EventView[] = [];
  for (let page = 1; ; page++) {
    const res = await vigil.get<Page<EventView>>(
      `/api/events/?source_name=${encodeURIComponent(source)}&page_size=100&page=${page}`,
    );
    events.push(...res.results);
    if (!res.next) return events;
  }
}

export async function eventCount(vigil: Vigil, source: string): Promise<number> {
  return (await vigil.get<Page<EventView>>(`/api/events/?source_name=${encodeURIComponent(source)}&page_size=1`)).count;
}
