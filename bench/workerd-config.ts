import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { unstable_readConfig } from "wrangler";

/**
 * A `workerd serve` configuration (Cap'n Proto text) for the deployable bundle, generated from
 * wrangler.toml, so the bench runs the Worker the way production does: no wrangler proxy, entry
 * worker, inspector or local observability collector in front of it. It carries what the Worker
 * sees in production: compatibility date and flags, vars (the bench's own values override them),
 * Durable Object namespaces (SQLite-backed ones with the SQL API, stored on disk in a temp dir),
 * queue producers (bound to a sink that accepts and drops messages: no consumer runs here, so
 * webhook deliveries are measured in wrangler-dev mode, which runs real queues), and outbound
 * fetch allowed to loopback (the local SQL endpoint).
 */
export type WorkerdConfigInput = {
  /** wrangler.toml */
  configPath: string;
  /** Directory of `wrangler deploy --dry-run --outdir`: the config is written there, next to the modules. */
  bundleDir: string;
  vars: Record<string, string>;
  port: number;
  /** Directory for Durable Object storage. */
  storageDir: string;
};

// Binding kinds the bench cannot serve in plain workerd yet: each needs a local implementation
// (miniflare provides them under wrangler dev). Refusing them is clearer than a Worker that
// fails at its first request.
const UNSUPPORTED = [
  "kv_namespaces",
  "r2_buckets",
  "d1_databases",
  "services",
  "hyperdrive",
  "workflows",
  "analytics_engine_datasets",
] as const;

/** What this file reads of wrangler's resolved config (its own type is not shipped with wrangler). */
type WranglerConfig = {
  name: string;
  compatibility_date?: string;
  compatibility_flags: string[];
  vars: Record<string, unknown>;
  durable_objects: { bindings: { name: string; class_name: string; script_name?: string }[] };
  migrations: { new_sqlite_classes?: string[]; renamed_classes?: { from: string; to: string }[] }[];
  assets?: { binding?: string; directory?: string };
  queues: { producers?: { binding: string; queue: string }[] };
};

/**
 * Answers a queue binding's sends (`POST /message`, `POST /batch`) as a queue broker does, with
 * its metrics, and keeps nothing.
 */
const QUEUE_SINK = [
  "export default { async fetch(request) {",
  "  await request.arrayBuffer();",
  "  return Response.json({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: 0 } } });",
  "} };",
].join(" ");

export function workerdConfig(input: WorkerdConfigInput): string {
  const config: WranglerConfig = unstable_readConfig({ config: input.configPath }, { hideWarnings: true });
  const unsupported = UNSUPPORTED.filter((path) => {
    const value = path
      .split(".")
      .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], config);
    return Array.isArray(value) && value.length > 0;
  });
  if (unsupported.length) {
    throw new Error(`bench/workerd-config.ts cannot serve ${unsupported.join(", ")} yet: add a local service for it`);
  }
  // SQLite-backed classes, following renames (a class keeps its storage kind under a new name).
  const sqliteClasses = new Set<string>();
  for (const migration of config.migrations) {
    for (const name of migration.new_sqlite_classes ?? []) sqliteClasses.add(name);
    for (const { from, to } of migration.renamed_classes ?? []) if (sqliteClasses.has(from)) sqliteClasses.add(to);
  }
  const objects = config.durable_objects.bindings.filter((b) => !b.script_name);
  const vars: Record<string, unknown> = { ...config.vars, ...input.vars };
  const bindings = [
    // As in production: string vars are text, other TOML values arrive parsed from JSON.
    ...Object.entries(vars).map(([name, value]) =>
      typeof value === "string"
        ? `(name = ${text(name)}, text = ${text(value)})`
        : `(name = ${text(name)}, json = ${text(JSON.stringify(value))})`,
    ),
    ...objects.map((b) => `(name = ${text(b.name)}, durableObjectNamespace = ${text(b.class_name)})`),
    ...(config.assets?.binding ? [`(name = ${text(config.assets.binding)}, service = "assets")`] : []),
    ...(config.queues.producers ?? []).map((q) => `(name = ${text(q.binding)}, queue = "queue-sink")`),
  ];
  const namespaces = [...new Set(objects.map((b) => b.class_name))].map(
    (className) =>
      `(className = ${text(className)}, uniqueKey = ${text(`${config.name}-${className}`)}, enableSql = ${sqliteClasses.has(className)})`,
  );
  // Every module wrangler emitted, the entry first (wrangler names it index.js).
  const modules = readdirSync(input.bundleDir)
    .filter((f) => /\.m?js$/.test(f))
    .sort((a, b) => Number(b === "index.js") - Number(a === "index.js"))
    .map((f) => `(name = ${text(f)}, esModule = embed ${text(f)})`);
  const services = [
    `(name = "main", worker = .worker)`,
    // The default "internet" allows public addresses only; the SQL endpoint is on loopback.
    `(name = "internet", network = (allow = ["public", "local"]))`,
    `(name = "do-storage", disk = (path = ${text(input.storageDir)}, writable = true))`,
    `(name = "queue-sink", worker = (compatibilityDate = ${text(config.compatibility_date ?? "")}, modules = [(name = "sink.js", esModule = ${text(QUEUE_SINK)})]))`,
    // Static assets are served by Cloudflare in front of the Worker; here the binding reads the directory.
    ...(config.assets?.directory
      ? [`(name = "assets", disk = (path = ${text(resolve(dirname(input.configPath), config.assets.directory))}))`]
      : []),
  ];
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ${services.join(",\n    ")}
  ],
  sockets = [(name = "http", address = ${text(`127.0.0.1:${input.port}`)}, http = (), service = "main")],
);

const worker :Workerd.Worker = (
  compatibilityDate = ${text(config.compatibility_date ?? "")},
  compatibilityFlags = [${config.compatibility_flags.map(text).join(", ")}],
  modules = [
    ${modules.join(",\n    ")}
  ],
  bindings = [
    ${bindings.join(",\n    ")}
  ],
  durableObjectNamespaces = [${namespaces.join(", ")}],
  durableObjectStorage = (localDisk = "do-storage"),
);
`;
}

/** A Cap'n Proto text literal: quotes, backslashes and control characters escaped. */
function text(value: string): string {
  const escaped = value.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
    /["\\\x00-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return `"${escaped}"`;
}

/** The workerd binary wrangler itself runs, wherever npm placed it. */
export function workerdBinary(root: string): { path: string; version: string } {
  const fromWrangler = createRequire(`${root}node_modules/wrangler/package.json`);
  const workerd = fromWrangler("workerd") as { default: string; version: string };
  return { path: workerd.default, version: workerd.version };
}
