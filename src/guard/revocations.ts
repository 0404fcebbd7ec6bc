import type { Bindings } from "../env";
import type { Revocation } from "../internal/protocol";
import { guardNamed } from "./stub";

export async function applyRevocation(env: Bindings, revocation: Revocation): Promise<void> {
  if (revocation.type === "user") {
    await guardNamed(env, { type: "user", id: revocation.id }).voidTokensBefore(revocation.generation);
  } else {
    await guardNamed(env, revocation).revokeKey();
  }
}
