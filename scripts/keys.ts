/**
 * `npm run keys -- <command>`: API keys for sensors from the command line, against DATABASE_URL
 * when it is set (Neon), else the local dev database. Shares validation, key generation and the
 * store with the Worker's /api/keys/ routes. Exit status as the users CLI: 0, 1 with a one-line
 * reason, 2 for bad usage.
 */
import { createDb } from "../src/db/client";
import { fieldErrors } from "../src/http/validation";
import { KeyCreateSchema } from "../src/keys/schemas";
import { issueKey } from "../src/keys/service";
import { listKeys, revokeKey } from "../src/keys/store";
import { apiTarget, notifyApi } from "./api-notify";
import { CommandError, cliActor, cliTarget, option, runCli, UsageError } from "./cli";

const USAGE = `Usage: npm run keys -- <command>
  create <name> --scopes ingest[,read] [--expires <timestamp>] [--rate-limit <count>/<seconds>s]
                                     prints the key once; only its hash is stored
  list
  revoke <id>                        refused from the next request on (tells the running API:
                                     VIGIL_API_URL and JWT_SECRET; locally .dev.vars and http://127.0.0.1:8787)
Targets DATABASE_URL when set, else the local dev database (start it with \`npm run dev\`).`;

async function run(argv: string[]): Promise<string> {
  const [command, ...args] = argv;
  if (!command || command === "--help" || command === "-h") return USAGE;
  const target = cliTarget();
  const db = createDb(target.databaseUrl);
  switch (command) {
    case "create": {
      const scopes = option(args, "--scopes");
      const expires = option(args, "--expires");
      const rateLimit = option(args, "--rate-limit");
      if (args.length !== 1) throw new UsageError(args.length ? `unexpected argument "${args[1]}"` : "missing <name>");
      if (!scopes) throw new UsageError("--scopes is required");
      const parsed = KeyCreateSchema.safeParse({
        name: args[0],
        scopes: scopes.split(","),
        ...(expires ? { expires_at: expires } : {}),
        ...(rateLimit ? { rate_limit: rateLimit } : {}),
      });
      if (!parsed.success) {
        const [field, messages] = Object.entries(fieldErrors(parsed.error))[0] ?? ["input", ["invalid"]];
        throw new CommandError(`${field.replace("_at", "").replace("_", "-")}: ${messages.join(" ")}`);
      }
      const created = await issueKey(db, parsed.data, cliActor());
      return `created key ${created.id} "${created.name}" (${created.scopes.join(",")}):\n${created.key}\nStore it now: it is not shown again.`;
    }
    case "list": {
      const { results } = await listKeys(db, { page: 1, pageSize: 10_000, limit: 10_000, offset: 0 });
      return [
        "id\tprefix\tname\tscopes\texpires\tlast used\trevoked",
        ...results.map((k) =>
          [
            k.id,
            k.prefix,
            k.name,
            k.scopes.join(","),
            k.expires_at ?? "-",
            k.last_used_at ?? "-",
            k.revoked_at ?? "-",
          ].join("\t"),
        ),
      ].join("\n");
    }
    case "revoke": {
      const id = Number(args[0]);
      if (!Number.isSafeInteger(id) || id < 1) throw new UsageError("revoke needs a key id (see `list`)");
      const revoked = await revokeKey(db, id, cliActor());
      if (!revoked) throw new CommandError(`no key ${id}`);
      try {
        await notifyApi(apiTarget(target.local), { type: "key", hash: revoked.hash });
      } catch (e) {
        throw new CommandError(
          `key ${id} revoked in the database, but the running API was not told: ${(e as Error).message}`,
        );
      }
      return `key ${id} revoked`;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

runCli("keys", USAGE, run);
