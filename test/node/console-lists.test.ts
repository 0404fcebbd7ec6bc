import { describe, expect, it } from "vitest";
import * as consoleLists from "../../console/src/api/types";
import * as server from "../../src/db/schema";
import { MATCHER_OPS } from "../../src/matchers/language";

/**
 * The console imports no server code (console/src/api/types.ts copies the contract's lists), so
 * a list the server grows (a webhook event type, a scope) must grow in the console too: the
 * console's forms offer exactly the server's values, in whatever order the console shows them.
 */
const same = (a: readonly string[], b: readonly string[]) => expect([...a].sort()).toEqual([...b].sort());

describe("the console's copies of the API's lists", () => {
  it("hold the server's values", () => {
    same(consoleLists.WEBHOOK_EVENTS, server.WEBHOOK_EVENTS);
    same(consoleLists.KEY_SCOPES, server.KEY_SCOPES);
    same(consoleLists.ALERT_STATUSES, server.ALERT_STATUSES);
    same(consoleLists.SEVERITIES, server.SEVERITIES);
    same(consoleLists.ROLES, server.ROLES);
    same(consoleLists.HEARTBEAT_STATUSES, server.HEARTBEAT_STATUSES);
    same(consoleLists.MATCHER_OPS, MATCHER_OPS);
  });
});
