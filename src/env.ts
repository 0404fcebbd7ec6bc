import { z } from "zod";
import type { Principal } from "./auth/principal";
import type { TicketUse } from "./auth/tokens";
import type { BatchItem } from "./events/batch";
import type { PrincipalGuard } from "./guard/durable-object";
import type { Credential } from "./guard/protocol";
import type { HeartbeatTimer } from "./heartbeats/timer";
import type { IntakeBody } from "./intake/receiver";
import { parseRateLimit, type RateLimitRule } from "./limiter/rule";
import type { StreamHub } from "./push/stream-hub";
import type { DeadLetter, DeliveryMessage } from "./webhooks/queue";

/** Worker bindings as declared in wrangler.toml (vars), secrets and `.dev.vars`. */
export type Bindings = {
  DATABASE_URL: string;
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  ACCESS_TOKEN_TTL_SECONDS: string;
  REFRESH_TOKEN_TTL_SECONDS: string;
  MAX_BODY_BYTES: string;
  RATE_LIMIT_INGEST: string;
  RATE_LIMIT_READ: string;
  RATE_LIMIT_WRITE: string;
  RATE_LIMIT_AUTH: string;
  RATE_LIMIT_AUTH_USERNAME: string;
  RATE_LIMIT_REFRESH: string;
  RATE_LIMIT_REFRESH_INVALID: string;
  RATE_LIMIT_UNKNOWN_KEY: string;
  REFRESH_GRACE_SECONDS: string;
  MAX_BATCH_BODY_BYTES: string;
  SERVER_TIMING: string;
  /** Optional; the origin clients reach the API at (see publicUrl()). */
  PUBLIC_BASE_URL?: string;
  STREAM_MAX_SOCKETS_PER_PRINCIPAL: string;
  STREAM_MAX_SOCKETS: string;
  AUTO_RESOLVE_AFTER: string;
  HEARTBEAT_DEFAULT_TIMEOUT_SECONDS: string;
  WEBHOOK_RETRY_SECONDS: string;
  WEBHOOK_ALLOW_INSECURE: string;
  WEBHOOK_ENCRYPTION_KEY: string;
  GUARD: DurableObjectNamespace<PrincipalGuard>;
  STREAM_HUB: DurableObjectNamespace<StreamHub>;
  HEARTBEAT_TIMER: DurableObjectNamespace<HeartbeatTimer>;
  WEBHOOK_QUEUE: Queue<DeliveryMessage>;
  WEBHOOK_DLQ: Queue<DeadLetter>;
};

const positiveInt = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .regex(/^[1-9]\d*$/, `${name} must be a positive integer`)
    .transform(Number);

/** `off`, or a duration like `72h` (minutes `m`, hours `h`, days `d`; 1 minute to 365 days), in seconds. */
const duration = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .default("off")
    .transform((v, ctx): number | null => {
      if (v === "off") return null;
      const m = /^([1-9]\d{0,5})(m|h|d)$/.exec(v);
      const seconds = m ? Number(m[1]) * { m: 60, h: 3600, d: 86_400 }[m[2] as "m" | "h" | "d"] : 0;
      if (!m || seconds > 365 * 86_400) {
        ctx.addIssue({
          code: "custom",
          message: `${name} must be "off" or a duration like "72h" (m, h or d; at most 365d)`,
        });
        return z.NEVER;
      }
      return seconds;
    });

const rateLimit = (name: string) =>
  z.string({ error: `${name} is required` }).transform((v, ctx): RateLimitRule => {
    const rule = parseRateLimit(v);
    if (!rule) ctx.addIssue({ code: "custom", message: `${name} must look like "<count>/<seconds>s", e.g. "100/60s"` });
    return rule ?? { limit: 1, periodSeconds: 1 };
  });

// An origin only: scheme, host, optional port. Links are built as this plus the request's path.
const publicBaseUrl = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (!value) return undefined;
    const problem = 'PUBLIC_BASE_URL must be an origin like "https://vigil.example" (http or https, no path)';
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    const originOnly = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
    if (!/^https?:$/.test(url.protocol) || !originOnly) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return url.origin;
  });

const configSchema = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is required (wrangler secret put DATABASE_URL)" })
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// connection string"),
  JWT_SECRET: z
    .string({ error: "JWT_SECRET is required (wrangler secret put JWT_SECRET)" })
    .min(32, "JWT_SECRET must be at least 32 characters"),
  JWT_ISSUER: z.string().min(1, "JWT_ISSUER must not be empty"),
  JWT_AUDIENCE: z.string().min(1, "JWT_AUDIENCE must not be empty"),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt("ACCESS_TOKEN_TTL_SECONDS"),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt("REFRESH_TOKEN_TTL_SECONDS"),
  MAX_BODY_BYTES: positiveInt("MAX_BODY_BYTES"),
  RATE_LIMIT_INGEST: rateLimit("RATE_LIMIT_INGEST"),
  RATE_LIMIT_READ: rateLimit("RATE_LIMIT_READ"),
  RATE_LIMIT_WRITE: rateLimit("RATE_LIMIT_WRITE"),
  RATE_LIMIT_AUTH: rateLimit("RATE_LIMIT_AUTH"),
  RATE_LIMIT_AUTH_USERNAME: rateLimit("RATE_LIMIT_AUTH_USERNAME"),
  RATE_LIMIT_REFRESH: rateLimit("RATE_LIMIT_REFRESH"),
  RATE_LIMIT_REFRESH_INVALID: rateLimit("RATE_LIMIT_REFRESH_INVALID"),
  RATE_LIMIT_UNKNOWN_KEY: rateLimit("RATE_LIMIT_UNKNOWN_KEY"),
  REFRESH_GRACE_SECONDS: z
    .string({ error: "REFRESH_GRACE_SECONDS is required" })
    .regex(/^(10|[0-9])$/, "REFRESH_GRACE_SECONDS must be a whole number of seconds from 0 to 10")
    .transform(Number),
  MAX_BATCH_BODY_BYTES: positiveInt("MAX_BATCH_BODY_BYTES"),
  STREAM_MAX_SOCKETS_PER_PRINCIPAL: positiveInt("STREAM_MAX_SOCKETS_PER_PRINCIPAL"),
  STREAM_MAX_SOCKETS: positiveInt("STREAM_MAX_SOCKETS"),
  AUTO_RESOLVE_AFTER: duration("AUTO_RESOLVE_AFTER"),
  HEARTBEAT_DEFAULT_TIMEOUT_SECONDS: z
    .string({ error: "HEARTBEAT_DEFAULT_TIMEOUT_SECONDS is required" })
    .regex(/^\d{2,5}$/, "HEARTBEAT_DEFAULT_TIMEOUT_SECONDS must be a whole number of seconds from 60 to 86400")
    .transform(Number)
    .refine(
      (v) => v >= 60 && v <= 86_400,
      "HEARTBEAT_DEFAULT_TIMEOUT_SECONDS must be a whole number of seconds from 60 to 86400",
    ),
  WEBHOOK_RETRY_SECONDS: z
    .string({ error: "WEBHOOK_RETRY_SECONDS is required" })
    .regex(
      /^[1-9]\d{0,4}(,[1-9]\d{0,4}){0,19}$/,
      'WEBHOOK_RETRY_SECONDS must be 1 to 20 comma-separated delays in seconds, e.g. "30,120,600"',
    )
    .transform((v) => v.split(",").map(Number))
    .refine((delays) => delays.every((d) => d <= 43_200), "WEBHOOK_RETRY_SECONDS: a delay is at most 43200 (12 h)"),
  WEBHOOK_ALLOW_INSECURE: z
    .enum(["on", "off"], { error: 'WEBHOOK_ALLOW_INSECURE must be "on" or "off"' })
    .default("off")
    .transform((v) => v === "on"),
  WEBHOOK_ENCRYPTION_KEY: z
    .string({ error: "WEBHOOK_ENCRYPTION_KEY is required (wrangler secret put WEBHOOK_ENCRYPTION_KEY)" })
    .regex(
      /^[A-Za-z0-9+/]{43}=$/,
      "WEBHOOK_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32)",
    ),
  SERVER_TIMING: z.enum(["on", "off"], { error: 'SERVER_TIMING must be "on" or "off"' }).default("off"),
  PUBLIC_BASE_URL: publicBaseUrl,
});

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

// The env object is stable for the life of an isolate: parse it once, not per request.
const parsed = new WeakMap<object, Config>();

/** Validated configuration; a missing or malformed value throws a ConfigError naming what to set. */
export function getConfig(env: Bindings): Config {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => i.message).join("; ");
    throw new ConfigError(`Invalid Worker configuration: ${problems}`);
  }
  parsed.set(env, result.data);
  return result.data;
}

export type Variables = {
  requestId: string;
  /** Set by authenticate(): the bearer credential, checked as far as the Worker alone can. */
  credential: Credential;
  /** Set by authorize(): the caller, once the credential is known to be valid. */
  principal: Principal;
  /** Set by batchBody(): the batch's items as sent. */
  batch: BatchItem[];
  /** Set by a native receiver's body reader (intake/routes.ts): the body read as its format. */
  intake: IntakeBody;
  /** Set when the stream is opened with a ticket: spent by the hub, once. */
  streamTicket?: TicketUse;
};

export type AppEnv = { Bindings: Bindings; Variables: Variables };
