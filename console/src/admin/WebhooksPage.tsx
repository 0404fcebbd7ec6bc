import { useState } from "hono/jsx/dom";
import { expectNoContent, readJson } from "../api/session";
import { type Delivery, WEBHOOK_EVENTS, type Webhook, type WebhookEvent } from "../api/types";
import { useServices } from "../context";
import { ErrorText, Notice, Time, Untrusted } from "../ui/bits";
import { ConfirmButton } from "../ui/ConfirmButton";
import { FormPanel } from "../ui/FormPanel";
import { ListTable } from "../ui/ListTable";
import { SecretOnce } from "../ui/SecretOnce";
import { useAction } from "../ui/use-action";
import { useListPage } from "../ui/use-list-page";

type CreatedWebhook = Webhook & { secret: string };

function NewWebhook({ onCreated }: { onCreated: (hook: CreatedWebhook) => void }) {
  const { session } = useServices();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["alert.created", "alert.updated"]);
  const [minSeverity, setMinSeverity] = useState("");
  const [description, setDescription] = useState("");
  const action = useAction();
  const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

  const submit = () =>
    action.run(async () => {
      const body = {
        url: url.trim(),
        events,
        ...(minSeverity ? { min_severity: minSeverity } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
      };
      onCreated(await readJson<CreatedWebhook>(await session.json("/api/webhooks/", "POST", body)));
      setUrl("");
      setDescription("");
    });

  return (
    <FormPanel id="new-webhook" title="New webhook" submit="Subscribe" action={action} onSubmit={() => void submit()}>
      <label for="webhook-url">URL</label>
      <input
        id="webhook-url"
        type="url"
        required
        value={url}
        placeholder="https://hooks.example.com/vigil"
        onInput={(e: Event) => setUrl(value(e))}
      />
      <fieldset class="checks">
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label>
            <input
              type="checkbox"
              checked={events.includes(event)}
              onChange={(e: Event) =>
                setEvents(
                  WEBHOOK_EVENTS.filter((v) =>
                    v === event ? (e.target as HTMLInputElement).checked : events.includes(v),
                  ),
                )
              }
            />
            {event}
          </label>
        ))}
      </fieldset>
      <label for="webhook-severity">Alerts at least</label>
      <select id="webhook-severity" value={minSeverity} onChange={(e: Event) => setMinSeverity(value(e))}>
        <option value="">High (all)</option>
        <option value="Critical">Critical</option>
      </select>
      <label for="webhook-description">Description</label>
      <input
        id="webhook-description"
        value={description}
        placeholder="optional, e.g. SOAR playbook"
        onInput={(e: Event) => setDescription(value(e))}
      />
    </FormPanel>
  );
}

/** `/admin/webhooks`: where alert changes are POSTed; subscribe (secret shown once), ping, unsubscribe. */
export function WebhooksPage() {
  const { session } = useServices();
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const { list, action, notice, setNotice, reload } = useListPage<Webhook>("/api/webhooks/?page_size=100");

  const ping = (hook: Webhook) =>
    action.run(async () => {
      const res = await session.fetch(`/api/webhooks/${hook.id}/test/`, { method: "POST" });
      const delivery = await readJson<Delivery>(res);
      setNotice(`Ping #${delivery.id} queued for ${hook.url}: see its deliveries.`);
    });
  const remove = (hook: Webhook) =>
    action.run(async () => {
      await expectNoContent(await session.fetch(`/api/webhooks/${hook.id}/`, { method: "DELETE" }));
      setNotice(`${hook.url} no longer gets deliveries.`);
      reload();
    });

  return (
    <>
      <NewWebhook
        onCreated={(hook) => {
          setCreated(hook);
          setNotice(null);
          reload();
        }}
      />
      {created && (
        <SecretOnce
          title={`Signing secret for ${created.url}`}
          secret={created.secret}
          onDone={() => setCreated(null)}
        />
      )}
      <Notice message={notice} />
      <ErrorText message={list.error ?? action.error} />
      <ListTable
        list={list}
        label="Webhooks"
        empty="No webhooks yet."
        caption="Webhooks, newest first"
        columns={["URL", "Events", "At least", "Description", "Created", "Actions"]}
      >
        {(hooks) =>
          hooks.map((hook) => (
            <tr key={hook.id} data-webhook-id={hook.id}>
              <td class="clip">
                <a href={`/admin/webhooks/${hook.id}`}>
                  <Untrusted text={hook.url} />
                </a>
              </td>
              <td>{hook.events.join(", ")}</td>
              <td>{hook.min_severity ?? "High"}</td>
              <td class="clip">
                <Untrusted text={hook.description} />
              </td>
              <td>
                <Time iso={hook.created_at} />
              </td>
              <td>
                <div class="actions">
                  <button type="button" disabled={action.busy} onClick={() => void ping(hook)}>
                    Send test ping
                  </button>
                  <a href={`/admin/webhooks/${hook.id}`}>Deliveries</a>
                  <ConfirmButton
                    label="Delete"
                    confirm="Delete now"
                    disabled={action.busy}
                    onConfirm={() => void remove(hook)}
                  />
                </div>
              </td>
            </tr>
          ))
        }
      </ListTable>
    </>
  );
}
