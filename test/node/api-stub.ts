import http from "node:http";
import { jwtVerify } from "jose";

/**
 * Stands in for the running API's internal revocations route, so the CLI tests can see exactly
 * what the CLIs announce (and that the service token is signed with the API's secret).
 */
export type ApiStub = { url: string; received: unknown[]; close(): Promise<void> };

export async function startApiStub(secret: string): Promise<ApiStub> {
  const received: unknown[] = [];
  const key = new TextEncoder().encode(secret);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      try {
        const { payload } = await jwtVerify(token, key, { issuer: "vigil", audience: "vigil-api" });
        if (req.url !== "/api/internal/revocations/" || payload.token_type !== "service") throw new Error("refused");
        received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        res.writeHead(204).end();
      } catch {
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
