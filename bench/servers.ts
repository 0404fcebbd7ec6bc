import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/local-db";
import { wranglerEnv } from "../scripts/wrangler-env";
import type { Component } from "./cpu";
import { root } from "./stack";
import { workerdBinary, workerdConfig } from "./workerd-config";

/** A running Worker: where to send requests, and the processes whose CPU it costs. */
export type Server = {
  url: string;
  components: Component[];
  /** The inspector's address, when started with one (for --profile). */
  inspector?: string;
  stop(): Promise<void>;
};

export const MODES = ["workerd", "wrangler-dev"] as const;
export type Mode = (typeof MODES)[number];

/**
 * A copy of wrangler.toml in a temp dir with the bench's vars: the project's .dev.vars never leaks
 * in. Its relative paths (main, the zod alias, the assets directory) are made absolute, since
 * wrangler resolves them against the config's own directory.
 */
function isolatedConfig(vars: Record<string, string>): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-config-"));
  const config = join(dir, "wrangler.toml");
  writeFileSync(
    config,
    readFileSync(`${root}wrangler.toml`, "utf8")
      .replace(/^main = "(.*)"$/m, `main = "${root}$1"`)
      .replaceAll(/"\.\/([^"]*)"/g, `"${root}$1"`),
  );
  writeFileSync(
    join(dir, ".dev.vars"),
    Object.entries(vars)
      .map(([k, v]) => `${k}="${v}"`)
      .join("\n"),
  );
  return { dir, config };
}

/**
 * `wrangler dev` as `npm run dev` runs it (same environment), with request logging off (that
 * log line costs about 1 ms of CPU per request). Its CPU is wrangler's node process plus
 * everything it starts (workerd processes, esbuild). Its stderr is shown only if it fails to
 * start: stopping it mid-watch makes esbuild print a goroutine dump that says nothing about us.
 */
export async function startWranglerDev(vars: Record<string, string>): Promise<Server> {
  const { dir, config } = isolatedConfig(vars);
  const port = await freePort();
  const args = ["dev", "-c", config, "--ip", "127.0.0.1", "--port", String(port), "--log-level", "warn"];
  const child: ChildProcess = spawn(
    process.execPath,
    [`${root}node_modules/wrangler/bin/wrangler.js`, ...args, "--show-interactive-dev-session=false"],
    { cwd: dir, env: wranglerEnv(root), stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child).catch((e: unknown) => {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${stderr}`);
  });
  return {
    url,
    components: [{ name: "wrangler-dev", pid: child.pid ?? 0 }],
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The deployable bundle (`wrangler deploy --dry-run` output, not rebuilt) in plain
 * `workerd serve`, with a config generated from wrangler.toml: what production runs, nothing else.
 */
export async function startWorkerd(
  bundleDir: string,
  vars: Record<string, string>,
  options: { inspector?: boolean } = {},
): Promise<Server> {
  const storageDir = mkdtempSync(join(tmpdir(), "vigil-bench-do-"));
  const port = await freePort();
  const configPath = join(bundleDir, "workerd.capnp");
  writeFileSync(configPath, workerdConfig({ configPath: `${root}wrangler.toml`, bundleDir, vars, port, storageDir }));
  const inspector = options.inspector ? `127.0.0.1:${await freePort()}` : undefined;
  const child: ChildProcess = spawn(
    workerdBinary(root).path,
    ["serve", configPath, ...(inspector ? [`--inspector-addr=${inspector}`] : [])],
    { cwd: bundleDir, stdio: ["ignore", "ignore", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child);
  return {
    url,
    components: [{ name: "workerd", pid: child.pid ?? 0 }],
    inspector,
    stop: async () => {
      await stopChild(child);
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode}) before answering`);
    try {
      if ((await fetch(`${url}/api/health/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up within 60 s`);
}
