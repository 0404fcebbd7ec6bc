import http from "node:http";

/**
 * For the push scenario: a local webhook receiver and a stream client, both noting when each
 * alert's first notice arrives, so the delay from ingest to stream frame and to webhook delivery
 * can be measured on alerts sent one at a time after the load.
 */
export type PushProbe = {
  webhookUrl: string;
  connectStream(url: string, auth: Record<string, string>): Promise<void>;
  /** Ingests `count` High events one by one; returns the median delays in ms. */
  measure(url: string, auth: Record<string, string>, count: number): Promise<Record<string, number>>;
  close(): Promise<void>;
};

type Notice = { type: string; alert?: { id: number }; data?: { alert?: { id: number } } };

export async function startPushProbe(): Promise<PushProbe> {
  const toStream = new Map<number, number>();
  const toWebhook = new Map<number, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const id = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Notice).data?.alert?.id;
      if (id !== undefined && !toWebhook.has(id)) toWebhook.set(id, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  let socket: WebSocket | undefined;

  return {
    webhookUrl: `http://127.0.0.1:${port}/hook`,
    async connectStream(url, auth) {
      const res = await fetch(`${url}/api/auth/stream-ticket/`, { method: "POST", headers: auth });
      const { ticket } = (await res.json()) as { ticket: string };
      socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/alerts/stream/?ticket=${encodeURIComponent(ticket)}`);
      socket.addEventListener("message", ({ data }) => {
        const id = (JSON.parse(String(data)) as Notice).alert?.id;
        if (id !== undefined && !toStream.has(id)) toStream.set(id, performance.now());
      });
      await new Promise((resolve, reject) => {
        socket?.addEventListener("open", resolve);
        socket?.addEventListener("error", reject);
      });
    },
    async measure(url, auth, count) {
      const sent = new Map<number, number>();
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        const res = await fetch(`${url}/api/events/`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json" },
          body: JSON.stringify({ source_name: "bench-push", event_type: "probe", severity: "High" }),
        });
        const id = ((await res.json()) as { alert: { id: number } }).alert.id;
        sent.set(id, started);
      }
      // Let the last notices arrive (deliveries go through a queue batched by the second).
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const delays = (arrived: Map<number, number>) =>
        [...sent].flatMap(([id, at]) => (arrived.has(id) ? [(arrived.get(id) ?? at) - at] : []));
      const stream = delays(toStream);
      const webhook = delays(toWebhook);
      return {
        "stream delay p50 ms": median(stream),
        "stream frames": stream.length,
        ...(webhook.length ? { "webhook delay p50 ms": median(webhook), "webhook deliveries": webhook.length } : {}),
      };
    },
    async close() {
      socket?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? Number.NaN) * 10) / 10;
}
