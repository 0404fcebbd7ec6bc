import type { AlertStatus, Severity } from "../api/types";
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

/** A failure as the API explained it; `role="alert"` so screen readers announce it. */
export function ErrorText({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}
