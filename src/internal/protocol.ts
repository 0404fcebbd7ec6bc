/**
 * What the command-line tools send the internal revocations route (see routes.ts): a change that
 * must reach a principal's Durable Object before its next request. No Worker imports, so the
 * Node-side tools share it.
 */
export type Revocation = { type: "user"; id: number; generation: number } | { type: "key"; hash: string };

/** The subject of the service tokens that may call the revocations route. */
export const REVOCATIONS_PURPOSE = "revocations";
