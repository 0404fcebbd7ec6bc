import { beforeAll, describe, expect, it } from "vitest";
import { uniqueSource } from "./factories";
import { api, createUser, problem, type TestUser } from "./helpers";
import { eventsFrom, storedEvent } from "./stored";

/**
 * Timestamps (issue 8, item 2): RFC 3339 with a time zone (offsets up to +-15:59), between
 * 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, at most 9 fraction digits (kept to the
 * microsecond). Whatever
 * zod alone would have let through to PostgreSQL and PostgreSQL refuses is a 400, not a 500.
 */
let admin: TestUser;
beforeAll(async () => {
  admin = await createUser("admin");
});

const event = (occurred_at: string) => ({
  source_name: uniqueSource(),
  event_type: "probe",
  severity: "Low",
  occurred_at,
});

type Problem = { errors?: Record<string, string[]> };

const REFUSED = [
  "0000-01-01T00:00:00Z", // year 0: PostgreSQL 22008
  "0001-01-01T00:00:00+01:00", // 1 BC once in UTC
  "1969-12-31T23:59:59Z", // before the range
  "1970-01-01T00:30:00+01:00", // before the range as an instant
  "2026-01-01T00:00:00+16:00", // offsets past +-15:59 (PostgreSQL's 22009; no real zone is that far)
  "2026-01-01T00:00:00-23:59",
  "2026-01-01T00:00:00+24:00",
  `2026-01-01T00:00:00.${"1".repeat(20)}Z`, // 20 fraction digits: 22008
  "2026-01-01T00:00:00.1234567891Z", // 10 fraction digits
  "2026-02-30T00:00:00Z", // no such day
  "2026-01-01T24:00:00Z",
  "2026-01-01T00:00:60Z", // leap seconds are not taken
  "2026-01-01 00:00:00Z", // RFC 3339 allows the space, we do not (the document says so)
  "2026-01-01T00:00:00", // no time zone
  "10000-01-01T00:00:00Z",
];

describe("timestamps PostgreSQL would refuse, or would store as another instant, are 400", () => {
  it.each(REFUSED)("occurred_at %s -> 400 naming occurred_at, nothing stored", async (value) => {
    const body = event(value);
    const res = await api("/api/events/", { token: admin.token, json: body });
    expect(res.status).toBe(400);
    expect(Object.keys(((await problem(res)) as Problem).errors ?? {})).toEqual(["occurred_at"]);
    expect(await eventsFrom(body.source_name)).toBe(0);
  });

  it.each(REFUSED)("created_after / created_before %s -> 400 on both lists", async (value) => {
    for (const path of ["/api/events/", "/api/alerts/"]) {
      for (const name of ["created_after", "created_before"]) {
        const res = await api(`${path}?${name}=${encodeURIComponent(value)}`, { token: admin.token });
        expect(res.status, `${path} ${name}`).toBe(400);
        expect(Object.keys(((await problem(res)) as Problem).errors ?? {})).toEqual([name]);
      }
    }
  });
});

describe("every RFC 3339 form in range is accepted and stored as the same instant", () => {
  it.each([
    ["2026-01-01T10:00:00Z", "2026-01-01T10:00:00.000000Z"],
    ["2026-01-01t10:00:00z", "2026-01-01T10:00:00.000000Z"], // lowercase t and z (RFC 3339, section 5.6)
    ["2026-01-01T10:00:00+05:30", "2026-01-01T04:30:00.000000Z"],
    ["2026-01-01T00:00:00-15:59", "2026-01-01T15:59:00.000000Z"],
    ["2026-01-01T00:00:00+15:59", "2025-12-31T08:01:00.000000Z"],
    ["2026-01-01T10:00:00.123456789Z", "2026-01-01T10:00:00.123456Z"], // nanoseconds kept to the microsecond
    ["2026-01-01T10:00:00.5-00:00", "2026-01-01T10:00:00.500000Z"],
    ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z"],
    ["2024-02-29T23:59:59.999999Z", "2024-02-29T23:59:59.999999Z"],
  ])("occurred_at %s is stored as %s", async (value, instant) => {
    const res = await api("/api/events/", { token: admin.token, json: event(value) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number; occurred_at: string };
    expect(body.occurred_at).toBe(instant);
    expect((await storedEvent(body.id))?.occurred_at).toBe(instant);
  });

  it("the far end of the range is a valid filter", async () => {
    const res = await api(
      "/api/events/?created_before=9999-12-31T23:59:59.999999Z&created_after=1970-01-01T00:00:00Z",
      {
        token: admin.token,
      },
    );
    expect(res.status).toBe(200);
  });
});
