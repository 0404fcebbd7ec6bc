import type { Bindings } from "../env";
import { type Credential, type GuardSubject, guardName } from "./protocol";

/** The Durable Object named for `who` (a principal, or a login guard). */
export function guardNamed(env: Bindings, who: GuardSubject) {
  return env.GUARD.get(env.GUARD.idFromName(guardName(who)));
}

/** The Durable Object guarding the principal a credential claims to be. */
export function guard(env: Bindings, credential: Credential) {
  return guardNamed(env, credential.type === "user" ? { type: "user", id: credential.principal.id } : credential);
}
