/**
 * `npm run users -- <command>`: user management from the command line, against DATABASE_URL when
 * it is set (Neon in production), else the local dev database named in `.dev.vars` (`npm run dev`
 * must be running). Shares the schema, the store and the password hashing with the Worker.
 * Exit status 0 on success; 1 with a one-line reason on error; 2 on bad usage.
 */
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from "../src/auth/password";
import { createDb } from "../src/db/client";
import { ROLES, type Role } from "../src/db/schema";
import { LAST_ADMIN_PROBLEM, USERNAME_PATTERN } from "../src/users/rules";
import { changeUser, insertUser, listUsers, type TokenRevocation } from "../src/users/store";
import { apiTarget, notifyApi } from "./api-notify";
import { CommandError, cliActor, cliTarget, option, runCli, UsageError } from "./cli";

const USAGE = `Usage: npm run users -- <command>
  create <username> --role <admin|analyst> [--password <pw>]   (a strong password is generated if omitted)
  list
  set-role <username> <admin|analyst>
  set-password <username> [--password <pw>]                   (a strong password is generated if omitted)
  deactivate <username>
Targets DATABASE_URL when set, else the local dev database (start it with \`npm run dev\`).
set-role, set-password and deactivate also void the user's live access tokens at once, through the
running API: VIGIL_API_URL and JWT_SECRET (locally, .dev.vars and http://127.0.0.1:8787 are used).`;

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

function password(given: string | undefined): string {
  if (given !== undefined && given.length < MIN_PASSWORD_LENGTH) {
    throw new CommandError(`password too weak: at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return given ?? generatePassword();
}

async function run(argv: string[]): Promise<string> {
  const [command, ...args] = argv;
  if (!command || command === "--help" || command === "-h") return USAGE;
  const target = cliTarget();
  const db = createDb(target.databaseUrl);
  /** The change is in the database; now its old access tokens must die too. */
  const voidTokens = async (done: string, user: TokenRevocation) => {
    try {
      await notifyApi(apiTarget(target.local), { type: "user", id: user.id, generation: user.generation });
    } catch (e) {
      throw new CommandError(`${done}, but its live access tokens were not voided: ${(e as Error).message}`);
    }
    return done;
  };
  switch (command) {
    case "create": {
      const roleName = role(option(args, "--role") ?? "");
      const given = option(args, "--password");
      const name = username(args[0]);
      if (args.length > 1) throw new UsageError(`unexpected argument "${args[1]}"`);
      const chosen = password(given);
      const user = await insertUser(
        db,
        { username: name, role: roleName, passwordHash: await hashPassword(chosen) },
        cliActor(),
      );
      if (!user) throw new CommandError(`username "${name}" is already taken`);
      return given
        ? `created ${name} (${roleName}), id ${user.id}`
        : `created ${name} (${roleName}), id ${user.id}, password: ${chosen}`;
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
      const changed = await changeUser(db, { username: name }, { role: roleName }, cliActor());
      if (!changed) throw new CommandError(`no user "${name}"`);
      if (changed.lastAdmin) throw new CommandError(LAST_ADMIN_PROBLEM);
      return voidTokens(`${name} is now ${roleName} (their next request needs a refreshed token)`, changed.revocation);
    }
    case "set-password": {
      const given = option(args, "--password");
      const name = username(args[0]);
      const chosen = password(given);
      const changed = await changeUser(
        db,
        { username: name },
        { passwordHash: await hashPassword(chosen) },
        cliActor(),
      );
      if (!changed) throw new CommandError(`no user "${name}"`);
      const done = `${name} has a new password; their sessions are revoked`;
      return voidTokens(given ? done : `${done}; password: ${chosen}`, changed.revocation);
    }
    case "deactivate": {
      const name = username(args[0]);
      const changed = await changeUser(db, { username: name }, { isActive: false }, cliActor());
      if (!changed) throw new CommandError(`no user "${name}"`);
      if (changed.lastAdmin) throw new CommandError(LAST_ADMIN_PROBLEM);
      return voidTokens(`${name} deactivated; their sessions are revoked`, changed.revocation);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

runCli("users", USAGE, run);
