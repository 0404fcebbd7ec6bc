/**
 * `npm run users -- <command>`: user management from the command line, against DATABASE_URL when
 * it is set (Neon in production), else the local dev database named in `.dev.vars` (`npm run dev`
 * must be running). Shares the schema, the store and the password hashing with the Worker.
 * Exit status 0 on success; 1 with a one-line reason on error; 2 on bad usage.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../src/auth/password";
import { createDb, isDatabaseUnavailable } from "../src/db/client";
import { ROLES, type Role } from "../src/db/schema";
import { USERNAME_PATTERN } from "../src/users/rules";
import { deactivateUser, insertUser, listUsers, updateUser } from "../src/users/store";
import { readDevVars } from "./dev-vars";

const USAGE = `Usage: npm run users -- <command>
  create <username> --role <admin|analyst> [--password <pw>]   (a strong password is generated if omitted)
  list
  set-role <username> <admin|analyst>
  deactivate <username>
Targets DATABASE_URL when set, else the local dev database (start it with \`npm run dev\`).`;

class UsageError extends Error {}
class CommandError extends Error {}

function role(value: string | undefined): Role {
  if (!ROLES.includes(value as Role))
    throw new CommandError(`unknown role "${value ?? ""}" (expected ${ROLES.join(" or ")})`);
  return value as Role;
}

function username(value: string | undefined): string {
  if (!value) throw new UsageError("missing <username>");
  if (!USERNAME_PATTERN.test(value)) {
    throw new CommandError(`invalid username "${value}": 1-150 letters, digits and @ . + - _ only`);
  }
  return value;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const local = readDevVars(fileURLToPath(new URL("../.dev.vars", import.meta.url))).get("DATABASE_URL");
  if (!local)
    throw new CommandError("no DATABASE_URL set and no .dev.vars: run `npm run dev` once, or set DATABASE_URL");
  return local;
}

async function run(argv: string[]): Promise<string> {
  const [command, ...args] = argv;
  if (!command || command === "--help" || command === "-h") return USAGE;
  const db = createDb(databaseUrl());
  switch (command) {
    case "create": {
      const roleName = role(option(args, "--role") ?? "");
      const given = option(args, "--password");
      const name = username(args[0]);
      if (args.length > 1) throw new UsageError(`unexpected argument "${args[1]}"`);
      if (given !== undefined && given.length < MIN_PASSWORD_LENGTH) {
        throw new CommandError(`password too weak: at least ${MIN_PASSWORD_LENGTH} characters`);
      }
      const password = given ?? randomBytes(18).toString("base64url");
      const user = await insertUser(db, { username: name, role: roleName, passwordHash: await hashPassword(password) });
      if (!user) throw new CommandError(`username "${name}" is already taken`);
      return given
        ? `created ${name} (${roleName}), id ${user.id}`
        : `created ${name} (${roleName}), id ${user.id}, password: ${password}`;
    }
    case "list": {
      const users = await listUsers(db);
      return [
        "id\tusername\trole\tactive",
        ...users.map((u) => `${u.id}\t${u.username}\t${u.role}\t${u.isActive ? "yes" : "no"}`),
      ].join("\n");
    }
    case "set-role": {
      const name = username(args[0]);
      const roleName = role(args[1]);
      if (!(await updateUser(db, name, { role: roleName }))) throw new CommandError(`no user "${name}"`);
      return `${name} is now ${roleName} (effective at their next token refresh)`;
    }
    case "deactivate": {
      const name = username(args[0]);
      if (!(await deactivateUser(db, name))) throw new CommandError(`no user "${name}"`);
      return `${name} deactivated; their sessions are revoked`;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

run(process.argv.slice(2)).then(
  (out) => console.log(out),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) {
      console.error(`users: ${message}\n${USAGE}`);
      process.exit(2);
    }
    const reason = isDatabaseUnavailable(e)
      ? "cannot reach the database: start `npm run dev` (or check DATABASE_URL)"
      : message;
    console.error(`users: ${reason.split("\n")[0]}`);
    process.exit(1);
  },
);
