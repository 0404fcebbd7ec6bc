import type { AlertStatus, Severity } from "../api/types";
import { revealHidden } from "./controls";
import { formatTime } from "./format";

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {formatTime(iso)}
    </time>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`badge severity-${severity.toLowerCase()}`}>{severity}</span>;
}

export function StatusBadge({ status }: { status: AlertStatus }) {
  return <span class={`badge status-${status.toLowerCase()}`}>{status}</span>;
}

/**
 * A string a sensor or a person supplied (names, types, descriptions, metadata, usernames):
 * isolated from the text around it, so right-to-left letters or overrides inside cannot reorder
 * the rest of the line, and with every hidden control shown as a marked `U+XXXX` (./controls.ts).
 */
export function Untrusted({ text }: { text: string }) {
  return (
    <bdi class="untrusted" dir="auto">
      {revealHidden(text).map((piece) =>
        typeof piece === "string" ? (
          piece
        ) : (
          <abbr class="hidden-char" title={`${piece.codePoint} ${piece.name}`}>
            {piece.codePoint}
          </abbr>
        ),
      )}
    </bdi>
  );
}

/** A failure as the API explained it; `role="alert"` so screen readers announce it. */
export function ErrorText({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

/** What an action just did, announced politely. */
export function Notice({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="success" role="status">
      {message}
    </p>
  );
}

/**
 * A field's own problems as the API named them, next to the field; the field points at it with
 * `describedBy(id, messages)`, so a screen reader reads them with the field.
 */
export function FieldError({ id, messages }: { id: string; messages: string[] }) {
  if (!messages.length) return null;
  return (
    <p class="field-error" id={id}>
      {messages.join(" ")}
    </p>
  );
}

/** The attributes that tie a field to its FieldError, when it has one. */
export function describedBy(id: string, messages: string[]): { "aria-invalid"?: "true"; "aria-describedby"?: string } {
  return messages.length ? { "aria-invalid": "true", "aria-describedby": id } : {};
}

/**
 * An item's tags as badges (tags are `[a-z0-9:_.-]`: nothing to isolate); with `href`, each is a
 * link (to the queue filtered by it).
 */
export function Tags({ tags, href }: { tags: string[]; href?: (tag: string) => string }) {
  if (!tags.length) return <span class="muted">—</span>;
  return (
    <ul class="tags" aria-label="Tags">
      {tags.map((tag) => (
        <li class="badge tag">{href ? <a href={href(tag)}>{tag}</a> : tag}</li>
      ))}
    </ul>
  );
}
