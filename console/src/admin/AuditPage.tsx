import type { AuditEntry } from "../api/types";
import { ErrorText, Time, Untrusted } from "../ui/bits";
import { ListTable } from "../ui/ListTable";
import { usePagedList } from "../ui/use-paged-list";

/** The API's filters the page passes on from its own URL (`/admin/audit?target_type=user&target_id=7`). */
const FILTERS = ["action", "actor_type", "actor_id", "target_type", "target_id", "after", "before"] as const;

/** An entry's before and after, as far as it has them ("analyst → admin", "ingest,read"). */
function change(entry: AuditEntry): string {
  if (entry.from !== null && entry.to !== null) return `${entry.from} → ${entry.to}`;
  return entry.to ?? "";
}

const historyOf = (target: AuditEntry["target"]) => `/admin/audit?target_type=${target.type}&target_id=${target.id}`;
const doingsOf = (actorId: number) => `/admin/audit?actor_type=user&actor_id=${actorId}`;

/**
 * `/admin/audit`: who changed users, keys and webhooks, and when, newest first. A target's name
 * leads to its history, an admin's to what they did: the page's query is the API's filter.
 */
export function AuditPage({ query }: { query: URLSearchParams }) {
  const filter = new URLSearchParams([...query].filter(([name]) => (FILTERS as readonly string[]).includes(name)));
  const filtered = [...filter].length > 0;
  const log = usePagedList<AuditEntry>(`/api/audit/?page_size=50${filtered ? `&${filter}` : ""}`, 0);
  return (
    <>
      {filtered && (
        <p class="muted" data-audit-filter>
          Only entries with {[...filter].map(([name, value]) => `${name} ${value}`).join(", ")}.{" "}
          <a href="/admin/audit">Show all</a>
        </p>
      )}
      <ErrorText message={log.error} />
      <ListTable
        list={log}
        label="Audit log"
        empty={filtered ? "No entry matches." : "Nothing changed yet."}
        caption="Administrative changes, newest first"
        columns={["When", "Who", "Did", "To", "Change"]}
      >
        {(entries) =>
          entries.map((entry) => (
            <tr key={entry.id} data-audit-id={entry.id}>
              <td>
                <Time iso={entry.at} />
              </td>
              <td>
                {entry.actor.id === null ? (
                  <Untrusted text={entry.actor.name} />
                ) : (
                  <a href={doingsOf(entry.actor.id)} title={`What ${entry.actor.name} did`}>
                    <Untrusted text={entry.actor.name} />
                  </a>
                )}
                {entry.actor.type === "cli" && <span class="muted small"> (CLI)</span>}
              </td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td class="clip">
                {entry.target.type}{" "}
                <a href={historyOf(entry.target)} title={`The history of this ${entry.target.type}`}>
                  <Untrusted text={entry.target.name} />
                </a>
              </td>
              <td>
                <Untrusted text={change(entry)} />
              </td>
            </tr>
          ))
        }
      </ListTable>
    </>
  );
}
