import { useEffect, useRef, useState } from "hono/jsx/dom";
import { describe } from "../api/problem";
import type { Session } from "../api/session";
import { ErrorText } from "../ui/bits";

/**
 * Username and password against the token endpoint. The page's URL is left alone, so signing
 * in from a deep link (`/alerts/42`) lands on that alert.
 */
export function SignIn({ session, notice }: { session: Session; notice: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const username = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  // The `autofocus` attribute only counts when the page is parsed; this form comes later.
  useEffect(() => {
    document.title = "Sign in · Vigil";
    username.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await session.signIn(String(form.get("username") ?? ""), String(form.get("password") ?? ""));
    } catch (e) {
      setError(describe(e));
      setBusy(false);
      password.current?.select();
    }
  };

  return (
    <main class="signin">
      <form class="card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Vigil</h1>
        <p class="muted">Sign in to the analyst console.</p>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label for="username">Username</label>
        <input ref={username} id="username" name="username" autocomplete="username" required />
        <label for="password">Password</label>
        <input ref={password} id="password" name="password" type="password" autocomplete="current-password" required />
        <ErrorText message={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
