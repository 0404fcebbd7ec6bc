import { describe, expect, it } from "vitest";
import { apiWith, createUser, type TestUser } from "./helpers";

/**
 * Issue 8, item 6: nobody can lock a user out by guessing at their account, while guessing stays
 * slow. The Worker runs with small limits; the Durable Objects are the real ones.
 */
const newIp = () => `203.0.113.${crypto.randomUUID()}`;

function attempts(limits: { RATE_LIMIT_AUTH: string; RATE_LIMIT_AUTH_USERNAME: string }) {
  const api = apiWith(limits);
  return (user: TestUser, password: string, ip: string) =>
    api("/api/auth/token/", { ip, json: { username: user.username, password } });
}

describe("login throttling cannot be turned into an account lockout", () => {
  it("attempts refused by the IP limit do not spend the username's budget", async () => {
    const attempt = attempts({ RATE_LIMIT_AUTH: "3/60s", RATE_LIMIT_AUTH_USERNAME: "5/60s" });
    const victim = await createUser("analyst");
    const attacker = newIp();
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await attempt(victim, "wrong-password-x", attacker)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    // Only the three admitted attempts counted against the username: its owner still gets in.
    expect((await attempt(victim, victim.password, newIp())).status).toBe(200);
  });

  it("a few attacking IPs are stopped by their own limits before they can lock the user out", async () => {
    // The defaults keep the username's budget at five IPs' worth; the same ratio here.
    const attempt = attempts({ RATE_LIMIT_AUTH: "3/60s", RATE_LIMIT_AUTH_USERNAME: "15/60s" });
    const victim = await createUser("analyst");
    for (const attacker of [newIp(), newIp(), newIp(), newIp()]) {
      for (let i = 0; i < 6; i++) await attempt(victim, "wrong-password-x", attacker);
    }
    expect((await attempt(victim, victim.password, newIp())).status).toBe(200);
  });

  it("guessing one username from many IPs is still slowed", async () => {
    const attempt = attempts({ RATE_LIMIT_AUTH: "3/60s", RATE_LIMIT_AUTH_USERNAME: "5/60s" });
    const victim = await createUser("analyst");
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await attempt(victim, "wrong-password-x", newIp())).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // From a new address even the right password waits: the account is being guessed at.
    expect((await attempt(victim, victim.password, newIp())).status).toBe(429);
  });

  it("however many IPs guess, the owner signs in from an address that signed in before", async () => {
    const attempt = attempts({ RATE_LIMIT_AUTH: "3/60s", RATE_LIMIT_AUTH_USERNAME: "5/60s" });
    const victim = await createUser("analyst");
    const home = newIp();
    expect((await attempt(victim, victim.password, home)).status).toBe(200);
    for (let i = 0; i < 20; i++) await attempt(victim, "wrong-password-x", newIp());
    expect((await attempt(victim, victim.password, newIp())).status).toBe(429);
    expect((await attempt(victim, victim.password, home)).status).toBe(200);
  });

  it("Retry-After is the real wait: after it, the next attempt is admitted", async () => {
    // One attempt a second per username; attackers refused by their IP limit cannot push it back.
    const attempt = attempts({ RATE_LIMIT_AUTH: "1/60s", RATE_LIMIT_AUTH_USERNAME: "2/2s" });
    const victim = await createUser("analyst");
    for (let i = 0; i < 2; i++) expect((await attempt(victim, "wrong-password-x", newIp())).status).toBe(401);
    const refused = await attempt(victim, "wrong-password-x", newIp());
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get("Retry-After"));
    expect(wait).toBe(1);
    const blocked = newIp();
    await attempt(victim, "wrong-password-x", blocked); // spends this IP's only attempt (429 above: username)
    for (let i = 0; i < 5; i++) expect((await attempt(victim, "wrong-password-x", blocked)).status).toBe(429);
    // Waiting is the subject of this test, not a synchronisation.
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 50));
    expect((await attempt(victim, victim.password, newIp())).status).toBe(200);
  });
});
