import { useState } from "hono/jsx/dom";
import { readJson } from "../api/session";
import { ROLES, type Role, type User, type UserWithPassword } from "../api/types";
import { useServices } from "../context";
import { ErrorText, Notice, Time, Untrusted } from "../ui/bits";
import { ConfirmButton } from "../ui/ConfirmButton";
import { FormPanel } from "../ui/FormPanel";
import { ListTable } from "../ui/ListTable";
import { SecretOnce } from "../ui/SecretOnce";
import { useAction } from "../ui/use-action";
import { useListPage } from "../ui/use-list-page";

/** A password the server generated, and for whom. */
type Shown = { username: string; password: string };

function NewUser({ onCreated }: { onCreated: (user: UserWithPassword) => void }) {
  const { session } = useServices();
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<Role>("analyst");
  const [password, setPassword] = useState("");
  const action = useAction();
  const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

  const submit = () =>
    action.run(async () => {
      const body = { username: username.trim(), role, ...(password ? { password } : {}) };
      onCreated(await readJson<UserWithPassword>(await session.json("/api/users/", "POST", body)));
      setUsername("");
      setPassword("");
    });

  return (
    <FormPanel id="new-user" title="New user" submit="Create user" action={action} onSubmit={() => void submit()}>
      <label for="user-name">Username</label>
      <input
        id="user-name"
        required
        autocomplete="off"
        value={username}
        onInput={(e: Event) => setUsername(value(e))}
      />
      <label for="user-role">Role</label>
      <select id="user-role" value={role} onChange={(e: Event) => setRole(value(e) as Role)}>
        {ROLES.map((r) => (
          <option value={r}>{r}</option>
        ))}
      </select>
      <label for="user-password">Password</label>
      <input
        id="user-password"
        type="password"
        autocomplete="new-password"
        value={password}
        placeholder="empty: generate one"
        onInput={(e: Event) => setPassword(value(e))}
      />
    </FormPanel>
  );
}

/**
 * `/admin/users`: people's accounts. Role changes, deactivation and password resets take effect
 * on the user's next request; you cannot demote or deactivate yourself.
 */
export function UsersPage() {
  const { session, me } = useServices();
  const [shown, setShown] = useState<Shown | null>(null);
  const { list, action: acting, notice, setNotice, reload } = useListPage<User>("/api/users/?page_size=100");

  const change = (user: User, body: { role?: Role; is_active?: boolean }, done: string) =>
    acting.run(async () => {
      await readJson<User>(await session.json(`/api/users/${user.id}/`, "PATCH", body));
      setNotice(done);
      reload();
    });
  const resetPassword = (user: User) =>
    acting.run(async () => {
      const res = await session.json(`/api/users/${user.id}/password/`, "POST", {});
      const { password } = await readJson<UserWithPassword>(res);
      if (password) setShown({ username: user.username, password });
      setNotice(`${user.username} has a new password; their sessions have ended.`);
    });

  return (
    <>
      <NewUser
        onCreated={(user) => {
          if (user.password) setShown({ username: user.username, password: user.password });
          setNotice(`${user.username} can sign in as ${user.role}.`);
          reload();
        }}
      />
      {shown && (
        <SecretOnce title={`Password for ${shown.username}`} secret={shown.password} onDone={() => setShown(null)} />
      )}
      <Notice message={notice} />
      <ErrorText message={list.error ?? acting.error} />
      <ListTable
        list={list}
        label="Users"
        empty="No users."
        caption="Users by username"
        columns={["Username", "Role", "State", "Created", "Actions"]}
      >
        {(users) =>
          users.map((user) => {
            const self = user.id === me.id;
            return (
              <tr key={user.id} data-user={user.username}>
                <td class="clip">
                  <Untrusted text={user.username} />
                  {self && <span class="muted small"> (you)</span>}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${user.username}`}
                    value={user.role}
                    disabled={self || acting.busy}
                    onChange={(e: Event) => {
                      const role = (e.target as HTMLSelectElement).value as Role;
                      void change(user, { role }, `${user.username} is now ${role}.`);
                    }}
                  >
                    {ROLES.map((r) => (
                      <option value={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <span class={`badge user-${user.is_active ? "active" : "inactive"}`}>
                    {user.is_active ? "active" : "deactivated"}
                  </span>
                </td>
                <td>
                  <Time iso={user.created_at} />
                </td>
                <td>
                  <div class="actions">
                    {user.is_active ? (
                      !self && (
                        <ConfirmButton
                          label="Deactivate"
                          confirm="Deactivate now"
                          disabled={acting.busy}
                          onConfirm={() =>
                            void change(
                              user,
                              { is_active: false },
                              `${user.username} is deactivated; their sessions have ended.`,
                            )
                          }
                        />
                      )
                    ) : (
                      <button
                        type="button"
                        disabled={acting.busy}
                        onClick={() => void change(user, { is_active: true }, `${user.username} can sign in again.`)}
                      >
                        Reactivate
                      </button>
                    )}
                    <ConfirmButton
                      label="Reset password"
                      confirm="Generate a new password"
                      disabled={acting.busy}
                      onConfirm={() => void resetPassword(user)}
                    />
                  </div>
                </td>
              </tr>
            );
          })
        }
      </ListTable>
    </>
  );
}
