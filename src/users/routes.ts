import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditActorOf } from "../audit/store";
import { authenticate, authorize } from "../auth/middleware";
import { generatePassword, hashPassword } from "../auth/password";
import { whoMay } from "../auth/permissions";
import { database } from "../db/database";
import type { AppEnv } from "../env";
import { revokeBeforeAnswering } from "../guard/revocations";
import { ApiError } from "../http/errors";
import { jsonBody } from "../http/json-body";
import { jsonRequestBody, jsonResponse, linkTo, patchRequestBody, routeResponses } from "../http/openapi";
import { PageQuerySchema, pageRequest, paginate } from "../http/pagination";
import { Int32IdParamSchema } from "../http/params";
import { LAST_ADMIN_PROBLEM, selfChangeProblem } from "./rules";
import {
  CreatedUserSchema,
  PasswordResetSchema,
  UserCreateSchema,
  UserPageSchema,
  UserSchema,
  UserUpdateSchema,
} from "./schemas";
import { type ChangedUser, changeUser, findUser, insertUser, listUsersPage } from "./store";

/** What `npm run users` does, for admins over HTTP (contract section 8), each change audited. */
const tags = ["Users"];
const security = [{ bearerAuth: [] }];
const noSuchUser = () => new ApiError("NOT_FOUND", "No user with this id.");
const IN_EFFECT =
  "From the very next request on, the user's access tokens issued before are refused (401) and their stream " +
  "sockets closed, before this answers.";

const createUserRoute = createRoute({
  method: "post",
  path: "/api/users/",
  operationId: "createUser",
  tags,
  security,
  summary: "Create a user",
  description:
    `${whoMay("users:manage")} A taken username is 409. Without \`password\`, a strong one is generated and ` +
    "returned in this response only. Audited. Throttled per principal (scope `write`).",
  middleware: [authenticate(), authorize("users:manage"), jsonBody()] as const,
  request: { body: jsonRequestBody(UserCreateSchema) },
  responses: routeResponses(
    {
      201: jsonResponse("Created; `Location` names it", CreatedUserSchema, {
        links: {
          user: linkTo("getUser", "The user just created"),
          change: linkTo("updateUser", "Change their role, or deactivate them"),
          resetPassword: linkTo("resetUserPassword", "Give them a new password"),
        },
      }),
    },
    { problems: [400, 401, 403, 409, 413, 415, 503], throttle: "write" },
  ),
});

const listUsersRoute = createRoute({
  method: "get",
  path: "/api/users/",
  operationId: "listUsers",
  tags,
  security,
  summary: "List users, by username",
  description: `${whoMay("users:manage")} Page-number pagination. Throttled (scope \`read\`).`,
  middleware: [authenticate(), authorize("users:manage")] as const,
  request: { query: PageQuerySchema },
  responses: routeResponses(
    { 200: jsonResponse("A page of users", UserPageSchema) },
    { problems: [400, 401, 403, 404, 503], throttle: "read" },
  ),
});

const getUserRoute = createRoute({
  method: "get",
  path: "/api/users/{id}/",
  operationId: "getUser",
  tags,
  security,
  summary: "Read one user",
  description: `${whoMay("users:manage")} A malformed or unknown id is 404.`,
  middleware: [authenticate(), authorize("users:manage")] as const,
  request: { params: Int32IdParamSchema },
  responses: routeResponses(
    { 200: jsonResponse("The user", UserSchema) },
    { problems: [401, 403, 404, 503], throttle: "read" },
  ),
});

const updateUserRoute = createRoute({
  method: "patch",
  path: "/api/users/{id}/",
  operationId: "updateUser",
  tags,
  security,
  summary: "Change a user's role, or (de)activate them",
  description:
    `${whoMay("users:manage")} \`role\` and/or \`is_active\`. ${IN_EFFECT} Deactivation also revokes every ` +
    "session (refresh tokens). A refreshed token carries the new role. Asking for what already is changes nothing " +
    "(200, not audited). Admins cannot demote or deactivate themselves (409): another admin, or the CLI, can. " +
    "A change that would leave no active admin is refused (409), also when two admins demote each other at once. " +
    "Each change is audited by the statement that makes it. Throttled (scope `write`).",
  middleware: [authenticate(), authorize("users:manage"), jsonBody()] as const,
  request: { params: Int32IdParamSchema, body: patchRequestBody(UserUpdateSchema) },
  responses: routeResponses(
    { 200: jsonResponse("The user as they now are", UserSchema) },
    { problems: [400, 401, 403, 404, 409, 413, 415, 503], throttle: "write" },
  ),
});

const resetPasswordRoute = createRoute({
  method: "post",
  path: "/api/users/{id}/password/",
  operationId: "resetUserPassword",
  tags,
  security,
  summary: "Give a user a new password",
  description:
    `${whoMay("users:manage")} The given \`password\`, or a generated one returned in this response only. Every ` +
    `session of the user is revoked. ${IN_EFFECT} Audited. Throttled (scope \`write\`).`,
  middleware: [authenticate(), authorize("users:manage"), jsonBody()] as const,
  request: { params: Int32IdParamSchema, body: jsonRequestBody(PasswordResetSchema) },
  responses: routeResponses(
    { 200: jsonResponse("The user, and the password if it was generated", CreatedUserSchema) },
    { problems: [400, 401, 403, 404, 413, 415, 503], throttle: "write" },
  ),
});

/** The change is stored; its old access tokens must die before the answer goes out. */
async function inEffect(c: Context<AppEnv>, changed: ChangedUser | null): Promise<ChangedUser> {
  if (!changed) throw noSuchUser();
  if (changed.lastAdmin) throw new ApiError("CONFLICT", LAST_ADMIN_PROBLEM);
  if (changed.changed) await revokeBeforeAnswering(c, { type: "user", ...changed.revocation }, "The change is stored");
  return changed;
}

export function registerUsers(app: OpenAPIHono<AppEnv>): void {
  app.openapi(createUserRoute, async (c) => {
    const { username, role, password } = c.req.valid("json");
    const chosen = password ?? generatePassword();
    const user = await insertUser(
      database(c.env),
      { username, role, passwordHash: await hashPassword(chosen) },
      auditActorOf(c.get("principal")),
    );
    if (!user) throw new ApiError("CONFLICT", `The username "${username}" is already taken.`);
    c.header("Location", `/api/users/${user.id}/`);
    return c.json(password === undefined ? { ...user, password: chosen } : user, 201);
  });

  app.openapi(listUsersRoute, async (c) => {
    const page = pageRequest(c.req.valid("query"));
    const { count, results } = await listUsersPage(database(c.env), page);
    return c.json(paginate(c.req.url, page, count, results), 200);
  });

  app.openapi(getUserRoute, async (c) => {
    const user = await findUser(database(c.env), c.req.valid("param").id);
    if (!user) throw noSuchUser();
    return c.json(user, 200);
  });

  app.openapi(updateUserRoute, async (c) => {
    const { id } = c.req.valid("param");
    const change = c.req.valid("json");
    const principal = c.get("principal");
    const refused = selfChangeProblem(principal, id, change);
    if (refused) throw new ApiError("CONFLICT", refused);
    const changed = await changeUser(
      database(c.env),
      { id },
      { role: change.role, isActive: change.is_active },
      auditActorOf(principal),
    );
    return c.json((await inEffect(c, changed)).user, 200);
  });

  app.openapi(resetPasswordRoute, async (c) => {
    const { password } = c.req.valid("json");
    const chosen = password ?? generatePassword();
    const changed = await changeUser(
      database(c.env),
      { id: c.req.valid("param").id },
      { passwordHash: await hashPassword(chosen) },
      auditActorOf(c.get("principal")),
    );
    const { user } = await inEffect(c, changed);
    return c.json(password === undefined ? { ...user, password: chosen } : user, 200);
  });
}
