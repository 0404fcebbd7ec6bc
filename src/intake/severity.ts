import type { Severity } from "../db/schema";
import type { SeverityRule } from "./mapping";

/**
 * Severity words as alerting rules and loggers write them (Alertmanager's `labels.severity`,
 * ECS's `log.level`, syslog's level names), compared without case and surrounding space. A word
 * that is not here, or none at all, is Medium: seen, not dismissed, and alerting no one.
 */
const WORDS: Record<Severity, readonly string[]> = {
  Critical: ["critical", "crit", "fatal", "emergency", "emerg", "alert", "page", "disaster"],
  High: ["high", "error", "err", "major", "severe"],
  Medium: ["medium", "warning", "warn", "minor", "moderate", "average"],
  Low: ["low", "info", "informational", "information", "notice", "debug", "trace", "none", "ok"],
};

/** What a word is not known to mean: Medium (see WORDS). */
export const UNKNOWN_SEVERITY: Severity = "Medium";

const BY_WORD = new Map<string, Severity>(
  (Object.entries(WORDS) as [Severity, readonly string[]][]).flatMap(([severity, words]) =>
    words.map((word) => [word, severity] as const),
  ),
);

export function severityOfWord(word: string): Severity {
  return BY_WORD.get(word.trim().toLowerCase()) ?? UNKNOWN_SEVERITY;
}

/** The word table as listed by `GET /api/intake/`, for the field that carries the word. */
export function wordRules(field: string): SeverityRule[] {
  return [
    ...(Object.entries(WORDS) as [Severity, readonly string[]][]).map(([severity, words]) => ({
      when: `${field} is ${words.join(", ")} (any case)`,
      severity,
    })),
    { when: `${field} is anything else, or absent`, severity: UNKNOWN_SEVERITY },
  ];
}
