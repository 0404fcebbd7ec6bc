import { ApiProblem, networkProblem, problemFrom } from "./problem";
import type { Me, TokenResponse } from "./types";

/**
 * Asks the token endpoints to keep the refresh token in an HttpOnly, SameSite=Strict cookie
 * scoped to /api/auth/: page scripts (ours or an injected one) can never read it, and the
 * access token lives only in this object's memory. After a reload, `restore()` trades the
 * cookie for a fresh access token.
 */
const COOKIE_SESSION = { "X-Vigil-Session": "cookie" } as const;
const JSON_HEADERS = { "Content-Type": "application/json" } as const;
const REFRESH_LOCK = "vigil-refresh";

export type SessionState =
  | { kind: "restoring" }
  | { kind: "signed-out"; notice: string | null }
  | { kind: "signed-in"; me: Me };

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch {
    throw networkProblem();
  }
}

/** The body of a successful answer, or the problem it carries (`detail` for the user). */
export async function readJson<T>(res: Response): Promise<T> {
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()) as T;
}

/** For answers without a body (204): a refusal throws its problem. */
export async function expectNoContent(res: Response): Promise<void> {
  if (!res.ok) throw await problemFrom(res);
}

/** Refresh a little before the access token expires: a minute early, or at 80% of a short life. */
export function refreshDelaySeconds(expiresIn: number): number {
  return Math.max(expiresIn * 0.8, expiresIn - 60);
}

export class Session {
  #state: SessionState = { kind: "restoring" };
  #access: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<boolean> | null = null;
  readonly #listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getState = (): SessionState => this.#state;

  /** On page load: a live refresh cookie signs the user straight back in. */
  async restore(): Promise<void> {
    try {
      if (await this.#refreshOnce()) {
        await this.#loadMe();
        return;
      }
      this.#set({ kind: "signed-out", notice: null });
    } catch (error) {
      this.#set({ kind: "signed-out", notice: error instanceof ApiProblem ? error.detail : String(error) });
    }
  }

  async signIn(username: string, password: string): Promise<void> {
    const res = await send("/api/auth/token/", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...COOKIE_SESSION },
      body: JSON.stringify({ username, password }),
    });
    this.#accept(await readJson<TokenResponse>(res));
    await this.#loadMe();
  }

  /** Revokes the session on the server (which clears the cookie), then forgets the access token. */
  async signOut(): Promise<void> {
    this.#forget();
    let notice: string | null = null;
    try {
      const res = await send("/api/auth/token/revoke/", {
        method: "POST",
        headers: { ...JSON_HEADERS, ...COOKIE_SESSION },
        body: "{}",
      });
      if (!res.ok) throw await problemFrom(res);
    } catch (error) {
      const reason = error instanceof ApiProblem ? error.detail : String(error);
      notice = `Signed out of this page, but the server could not end the session: ${reason}`;
    }
    this.#set({ kind: "signed-out", notice });
  }

  /**
   * An authenticated request. A 401 means the access token is no longer good (expired while
   * the tab slept, or the user's role changed): refresh once and retry; if the refresh is
   * refused too, the session has ended and the sign-in form comes back.
   */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await this.#authorized(path, init);
    if (res.status !== 401) return res;
    if (!(await this.#refreshOnce())) {
      this.#expire();
      return res;
    }
    return this.#authorized(path, init);
  }

  /** An authenticated request with a JSON body: `json("/api/alerts/1/notes/", "POST", { body })`. */
  json(path: string, method: "POST" | "PATCH", body: unknown, headers: Record<string, string> = {}) {
    return this.fetch(path, { method, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });
  }

  #authorized(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#access) headers.set("Authorization", `Bearer ${this.#access}`);
    return send(path, { ...init, headers });
  }

  async #loadMe(): Promise<void> {
    const me = await readJson<Me>(await this.fetch("/api/auth/me/"));
    this.#set({ kind: "signed-in", me });
  }

  // One refresh at a time, in this tab and across tabs: the cookie is shared, and presenting a
  // token another tab has just rotated would make the server revoke the whole session as stolen.
  #refreshOnce(): Promise<boolean> {
    this.#refreshing ??= navigator.locks
      .request(REFRESH_LOCK, () => this.#refresh())
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }

  async #refresh(): Promise<boolean> {
    const res = await send("/api/auth/token/refresh/", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...COOKIE_SESSION },
      body: "{}",
    });
    // No cookie, or one the server refuses (expired, revoked, already used): not signed in.
    if (res.status === 400 || res.status === 401) return false;
    this.#accept(await readJson<TokenResponse>(res));
    return true;
  }

  #accept(tokens: TokenResponse): void {
    this.#access = tokens.access;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      // A failure here is not the end: the next request's 401 refreshes again, and only a
      // refused refresh signs the user out.
      this.#refreshOnce().then(
        (ok) => ok || this.#expire(),
        () => undefined,
      );
    }, refreshDelaySeconds(tokens.expires_in) * 1000);
  }

  #expire(): void {
    this.#forget();
    this.#set({ kind: "signed-out", notice: "Your session has ended. Sign in again." });
  }

  #forget(): void {
    clearTimeout(this.#timer);
    this.#access = null;
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
