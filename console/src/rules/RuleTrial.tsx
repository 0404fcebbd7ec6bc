import { useState } from "hono/jsx/dom";
import { readJson } from "../api/session";
import type { RuleTestResult } from "../api/types";
import { useServices } from "../context";
import { FieldError, SeverityBadge, Tags, Untrusted } from "../ui/bits";
import { Scroll } from "../ui/Scroll";
import type { Action } from "../ui/use-action";
import type { RuleBody } from "./draft";
import { outcomeText, parseSamples, ruleName, sampleProblems } from "./trial";

const EXAMPLE = `{"source_name": "fw-edge-01", "event_type": "port_scan", "severity": "Medium",
 "metadata": {"host": "db-7"}, "tags": ["pci"]}`;

function Results({ results }: { results: RuleTestResult[] }) {
  return (
    <Scroll label="Test results">
      <table class="trial">
        <caption class="sr-only">What storing each sample would do</caption>
        <thead>
          <tr>
            <th scope="col">Sample</th>
            <th scope="col">Outcome</th>
            <th scope="col">This rule</th>
            <th scope="col">Severity</th>
            <th scope="col">Dedup key</th>
            <th scope="col">Tags</th>
            <th scope="col">Rules applied</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr data-sample={r.index}>
              <td>{r.index + 1}</td>
              <td>
                <span class={`outcome-${r.outcome}`}>{outcomeText(r)}</span>
                {r.outcome === "joins_alert" && r.alert?.id && (
                  <>
                    {" "}
                    <a href={`/alerts/${r.alert.id}`}>#{r.alert.id}</a>
                  </>
                )}
              </td>
              <td>{r.matched ? "matched" : <span class="muted">did not match</span>}</td>
              <td>
                <SeverityBadge severity={r.event.severity} />
              </td>
              <td>
                {r.event.dedup_key ? (
                  <code>
                    <Untrusted text={r.event.dedup_key} />
                  </code>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td>
                <Tags tags={r.event.tags} />
              </td>
              <td>{r.event.rules_applied.length ? r.event.rules_applied.map(ruleName).join(", ") : "none"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

/**
 * "Try it": sample events pasted as JSON run through the enabled rules and silences with the
 * rule as drafted in its place (POST /api/rules/test/, which stores nothing); per sample, what
 * storing it would do and the event as it would be stored. `action` is the editor's, so a
 * problem with the draft shows next to its field.
 */
export function RuleTrial({
  action,
  request,
}: {
  action: Action;
  /** The rule under test: the draft, and the saved rule's id when editing one. */
  request: () => { rule_id?: number; rule: RuleBody };
}) {
  const { session } = useServices();
  const [samples, setSamples] = useState("");
  const [unreadable, setUnreadable] = useState<string | null>(null);
  const [results, setResults] = useState<RuleTestResult[] | null>(null);

  const run = () => {
    const parsed = parseSamples(samples);
    setResults(null);
    if ("problem" in parsed) {
      setUnreadable(parsed.problem);
      return;
    }
    setUnreadable(null);
    void action.run(async () => {
      const res = await session.json("/api/rules/test/", "POST", { ...request(), events: parsed.events });
      setResults((await readJson<{ results: RuleTestResult[] }>(res)).results);
    });
  };
  const problems = unreadable ? [unreadable] : sampleProblems(action.fieldErrors);

  return (
    <div class="rule-trial">
      <h3>Try it on sample events</h3>
      <p class="muted small" id="rule-samples-hint">
        One event as JSON, or an array of them, as a sensor would send it. They run through every enabled rule and
        silence with this rule in its place; nothing is stored.
      </p>
      <label for="rule-samples">Sample events</label>
      <textarea
        id="rule-samples"
        rows={6}
        placeholder={EXAMPLE}
        value={samples}
        onInput={(e: Event) => setSamples((e.target as HTMLTextAreaElement).value)}
        aria-invalid={problems.length ? "true" : undefined}
        aria-describedby={problems.length ? "rule-samples-problems rule-samples-hint" : "rule-samples-hint"}
      />
      <FieldError id="rule-samples-problems" messages={problems} />
      <button type="button" disabled={action.busy || !samples.trim()} onClick={run}>
        Test
      </button>
      {results && <Results results={results} />}
    </div>
  );
}
