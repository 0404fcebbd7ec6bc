/**
 * Writes the OpenAPI document exactly as the Worker serves it (`GET /api/openapi.json`), for the
 * linters in .ci/run and for client generators. The Worker runs in workerd from wrangler.toml;
 * serving the document touches no database, so the connection string is a placeholder.
 * Exit status 0 on success, 1 on failure, 2 on bad usage.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { unstable_dev } from "wrangler";
import { freePort } from "./local-db";
import { wranglerEnv } from "./wrangler-env";

const USAGE = `Usage: tsx scripts/openapi.ts [--out <file>]
Writes the OpenAPI document the Worker serves to <file>, or to stdout.`;

async function main(args: string[]): Promise<number> {
  if (args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  const outIndex = args.indexOf("--out");
  const out = outIndex === -1 ? undefined : args[outIndex + 1];
  if ((outIndex !== -1 && !out) || args.length !== (outIndex === -1 ? 0 : 2)) {
    console.error(USAGE);
    return 2;
  }
  const root = fileURLToPath(new URL("..", import.meta.url));
  Object.assign(process.env, wranglerEnv(root));
  const worker = await unstable_dev(`${root}src/index.ts`, {
    config: `${root}wrangler.toml`,
    vars: {
      DATABASE_URL: "postgresql://unused@127.0.0.1:1/unused",
      JWT_SECRET: randomUUID() + randomUUID(),
      // Required by the config check; serving the document never decrypts a webhook secret.
      WEBHOOK_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    },
    ip: "127.0.0.1",
    port: await freePort(),
    local: true,
    logLevel: "none",
    experimental: { disableExperimentalWarning: true },
  });
  try {
    const res = await worker.fetch("/api/openapi.json");
    if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`);
    const document = `${JSON.stringify(await res.json(), null, 2)}\n`;
    if (out) {
      await writeFile(out, document);
      console.error(`openapi: wrote ${out}`);
    } else {
      process.stdout.write(document);
    }
    return 0;
  } finally {
    await worker.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`openapi: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
