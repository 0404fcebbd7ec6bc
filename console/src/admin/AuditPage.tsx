import type { AuditEntry } from "../api/types";
import { ErrorText, Time, Untrusted } from "../ui/bits";
import { ListTable } from "../ui/ListTable";
import { usePagedList } from "../ui/use-paged-list";

/** An entry's before and after, as far as it has them ("analyst → admin", "ingest,read"). */
function change(entry: AuditEntry): string {
  if (entry.from !== null && entry.to !== null) return `${entry.from} → ${entry.to}`;
  return entry.to ?? "";
}

/** `/admin/audit`: who changed users, keys and webhooks, and when, newest first. */
export function AuditPage() {
  const log = usePagedList<AuditEntry>("/api/audit/?page_size=50", 0);
  return (
    <>
      <ErrorText message={log.error} />
      <ListTable
        list={log}
        label="Audit log"
        empty="Nothing changed yet."
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
                <Untrusted text={entry.actor.name} />
                {entry.actor.type === "cli" && <span class="muted small"> (CLI)</span>}
              </td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td class="clip">
                {entry.target.type} <Untrusted text={entry.target.name} />
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
