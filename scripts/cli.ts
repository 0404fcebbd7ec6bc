import { userInfo } from "node:os";
import { fileURLToPath } from "node:url";
import type { AuditActor } from "../src/audit/store";
import { isDatabaseUnavailable } from "../src/db/client";
import { readDevVars } from "./dev-vars";

/**
 * What the operator CLIs (users, keys) share: the target database, option parsing and the exit
 * status rules: 0 on success; 1 with a one-line reason on error; 2 for bad usage.
 */
export class UsageError extends Error {}
export class CommandError extends Error {}

/** DATABASE_URL when set (Neon), else the local dev stack named in `.dev.vars`. */
export function cliTarget(): { databaseUrl: string; local: Map<string, string> | null } {
  if (process.env.DATABASE_URL) return { databaseUrl: process.env.DATABASE_URL, local: null };
  const local = readDevVars(fileURLToPath(new URL("../.dev.vars", import.meta.url)));
  const databaseUrl = local.get("DATABASE_URL");
  if (!databaseUrl)
    throw new CommandError("no DATABASE_URL set and no .dev.vars: run `npm run dev` once, or set DATABASE_URL");
  return { databaseUrl, local };
}

/** Who the audit log says made a change from the command line: the operating-system user. */
export function cliActor(): AuditActor {
  let name = process.env.USER ?? "";
  try {
    name ||= userInfo().username;
  } catch {
    // No passwd entry for this uid (a container): the log still says it was the CLI.
  }
  return { type: "cli", name: (name || "unknown").slice(0, 150) };
}

/** Removes `--name <value>` from args and returns the value. */
export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

export function runCli(name: string, usage: string, run: (argv: string[]) => Promise<string>): void {
  run(process.argv.slice(2)).then(
    (out) => console.log(out),
    (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof UsageError) {
        console.error(`${name}: ${message}\n${usage}`);
        process.exit(2);
      }
      const reason = isDatabaseUnavailable(e)
        ? "cannot reach the database: start `npm run dev` (or check DATABASE_URL)"
        : message;
      console.error(`${name}: ${reason.split("\n")[0]}`);
      process.exit(1);
    },
  );
}
