import { useState } from "hono/jsx/dom";
import { expectNoContent, readJson } from "../api/session";
import { type ApiKey, KEY_SCOPES, type KeyScope } from "../api/types";
import { useServices } from "../context";
import { ErrorText, Notice, Time, Untrusted } from "../ui/bits";
import { ConfirmButton } from "../ui/ConfirmButton";
import { FormPanel } from "../ui/FormPanel";
import { ListTable } from "../ui/ListTable";
import { fromLocalInput } from "../ui/range";
import { SecretOnce } from "../ui/SecretOnce";
import { useAction } from "../ui/use-action";
import { useListPage } from "../ui/use-list-page";

type CreatedKey = ApiKey & { key: string };

const SCOPE_HELP: Record<KeyScope, string> = {
  ingest: "send events and heartbeats",
  read: "read alerts, their stats and the stream",
};

function keyState(key: ApiKey): "revoked" | "expired" | "active" {
  if (key.revoked_at) return "revoked";
  return key.expires_at && Date.parse(key.expires_at) <= Date.now() ? "expired" : "active";
}

function NewKey({ onCreated }: { onCreated: (key: CreatedKey) => void }) {
  const { session } = useServices();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<KeyScope[]>(["ingest"]);
  const [expires, setExpires] = useState("");
  const [rateLimit, setRateLimit] = useState("");
  const action = useAction();
  const value = (e: Event) => (e.target as HTMLInputElement).value;

  const submit = () =>
    action.run(async () => {
      const expiresAt = fromLocalInput(expires);
      const body = {
        name: name.trim(),
        scopes,
        ...(expiresAt ? { expires_at: expiresAt } : {}),
        ...(rateLimit.trim() ? { rate_limit: rateLimit.trim() } : {}),
      };
      onCreated(await readJson<CreatedKey>(await session.json("/api/keys/", "POST", body)));
      setName("");
      setExpires("");
      setRateLimit("");
    });

  return (
    <FormPanel id="new-key" title="New API key" submit="Create key" action={action} onSubmit={() => void submit()}>
      <label for="key-name">Name</label>
      <input
        id="key-name"
        required
        maxLength={100}
        value={name}
        placeholder="the sensor, e.g. fw-edge-01"
        onInput={(e: Event) => setName(value(e))}
      />
      <fieldset class="checks">
        <legend>Scopes</legend>
        {KEY_SCOPES.map((scope) => (
          <label>
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e: Event) =>
                setScopes(
                  KEY_SCOPES.filter((s) => (s === scope ? (e.target as HTMLInputElement).checked : scopes.includes(s))),
                )
              }
            />
            {scope} <span class="muted small">({SCOPE_HELP[scope]})</span>
          </label>
        ))}
      </fieldset>
      <label for="key-expires">Expires</label>
      <input id="key-expires" type="datetime-local" value={expires} onInput={(e: Event) => setExpires(value(e))} />
      <label for="key-rate">Ingest limit</label>
      <input
        id="key-rate"
        value={rateLimit}
        placeholder="e.g. 600/60s (optional)"
        onInput={(e: Event) => setRateLimit(value(e))}
      />
    </FormPanel>
  );
}

/** `/admin/keys`: sensors' credentials; created with scopes and an expiry, shown once, revoked at once. */
export function KeysPage() {
  const { session } = useServices();
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const { list, action, notice, setNotice, reload } = useListPage<ApiKey>("/api/keys/?page_size=100");

  const revoke = (key: ApiKey) =>
    action.run(async () => {
      await expectNoContent(await session.fetch(`/api/keys/${key.id}/`, { method: "DELETE" }));
      setNotice(`Key ${key.prefix}… (${key.name}) is revoked: it is refused from now on.`);
      reload();
    });

  return (
    <>
      <NewKey
        onCreated={(key) => {
          setCreated(key);
          setNotice(null);
          reload();
        }}
      />
      {created && <SecretOnce title={`Key for ${created.name}`} secret={created.key} onDone={() => setCreated(null)} />}
      <Notice message={notice} />
      <ErrorText message={list.error ?? action.error} />
      <ListTable
        list={list}
        label="API keys"
        empty="No API keys yet."
        caption="API keys, newest first"
        columns={["Name", "Prefix", "Scopes", "State", "Created", "Expires", "Last used", "Action"]}
      >
        {(keys) =>
          keys.map((key) => {
            const state = keyState(key);
            return (
              <tr key={key.id} data-key-id={key.id}>
                <td class="clip">
                  <Untrusted text={key.name} />
                </td>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>{key.scopes.join(", ")}</td>
                <td>
                  <span class={`badge key-${state}`}>{state}</span>
                </td>
                <td>
                  <Time iso={key.created_at} />
                  {key.created_by && (
                    <span class="muted small">
                      {" "}
                      by <Untrusted text={key.created_by} />
                    </span>
                  )}
                </td>
                <td>{key.expires_at ? <Time iso={key.expires_at} /> : <span class="muted">never</span>}</td>
                <td>
                  <Time iso={key.last_used_at} />
                </td>
                <td>
                  {state !== "revoked" && (
                    <ConfirmButton
                      label="Revoke"
                      confirm="Revoke now"
                      disabled={action.busy}
                      onConfirm={() => void revoke(key)}
                    />
                  )}
                </td>
              </tr>
            );
          })
        }
      </ListTable>
    </>
  );
}
