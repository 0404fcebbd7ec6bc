import { z } from "@hono/zod-openapi";
import { DELIVERY_EVENT_TYPES, DELIVERY_STATUSES, WEBHOOK_EVENTS } from "../db/schema";
import { ALERTING_SEVERITIES } from "../events/rules";
import { distinct } from "../http/distinct";
import { pageSchema } from "../http/pagination";
import { countNumber, idNumber, int32IdNumber } from "../http/params";
import { optionalText, text } from "../http/text";
import { utcTimestamp } from "../http/timestamp";

/**
 * The shape of a webhook URL, which the document states as a pattern: http(s), a host without
 * credentials (no `@` before the path), in visible ASCII as URLs travel (an international name in
 * its `xn--` form), so no space, NUL or lone surrogate is ever stored. That it is https:// to a
 * public host is webhookUrlProblem()'s to say (url-rules.ts), in prose in the document.
 */
const WEBHOOK_URL = /^[Hh][Tt][Tt][Pp][Ss]?:\/\/[\x21\x22\x24-\x2e\x30-\x3e\x41-\x5b\x5d-\x7e]+(?:[/?#][\x21-\x7e]*)?$/;

export const WebhookCreateSchema = z
  .strictObject({
    url: z
      .string({ error: "Must be a string." })
      .max(2048)
      .regex(WEBHOOK_URL, "Must be an absolute https:// URL in ASCII, e.g. https://hooks.example.com/vigil.")
      .openapi({
        format: "uri",
        description:
          "https:// to a public host: no credentials; no loopback, private, link-local, site-local, reserved or " +
          "metadata address, nor an IPv6 form that embeds or tunnels to one (IPv4-mapped, NAT64, 6to4, Teredo); " +
          "no single-label or special-use name however spelled (`localhost.`, `*.local`, `*.internal`, " +
          "`*.home.arpa`, `*.localdomain`, `*.svc`); http:// and loopback only where WEBHOOK_ALLOW_INSECURE=on " +
          "(local development). Checked again before every delivery.",
        example: "https://hooks.example.com/vigil",
      }),
    events: distinct(
      z
        .array(z.enum(WEBHOOK_EVENTS, { error: `Must be one of: ${WEBHOOK_EVENTS.join(", ")}.` }), {
          error: "Must be a list.",
        })
        .min(1, "At least one event is required.")
        .max(WEBHOOK_EVENTS.length),
      "Events must not repeat.",
    ).openapi({ example: ["alert.created", "alert.updated"] }),
    min_severity: z
      .enum(ALERTING_SEVERITIES, { error: `Must be ${ALERTING_SEVERITIES.join(" or ")}.` })
      .optional()
      .openapi({
        description:
          "Only alerts at least this severe (default: all); heartbeat events count as High, silence events " +
          "are always sent",
        example: "Critical",
      }),
    description: optionalText(500).openapi({ example: "SOAR playbook trigger" }),
  })
  .openapi("WebhookCreate");

export const WebhookSchema = z
  .object({
    id: int32IdNumber,
    url: z.string().max(2048).openapi({ format: "uri" }),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
    min_severity: z.enum(ALERTING_SEVERITIES).nullable(),
    description: text(500),
    created_by: text(150).nullable(),
    created_at: utcTimestamp,
  })
  .openapi("Webhook");

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z
    .string()
    .max(64)
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
    .openapi({
      description:
        "`whsec_` + base64 of 32 random bytes: the key that signs every delivery (Standard Webhooks). Shown in " +
        "this response only.",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
}).openapi("CreatedWebhook");

export const DeliverySchema = z
  .object({
    id: idNumber,
    event_type: z.enum(DELIVERY_EVENT_TYPES),
    alert_id: idNumber.nullable(),
    attempts: countNumber,
    status: z.enum(DELIVERY_STATUSES),
    last_status_code: z.number().int().min(100).max(599).nullable().openapi({ format: "int32" }),
    last_error: text(500).nullable(),
    created_at: utcTimestamp,
    delivered_at: utcTimestamp.nullable(),
  })
  .openapi("WebhookDelivery");

export const WebhookPageSchema = pageSchema(WebhookSchema, "WebhookPage");
export const DeliveryPageSchema = pageSchema(DeliverySchema, "WebhookDeliveryPage");
