import { api, type TestUser } from "./helpers";

export type EventBody = {
  id: number;
  source_name: string;
  severity: string;
  created_at: string;
  alert: { id: number; status: string } | null;
};

/** One item's result in a batch's answer (the batch route's, and the intake receivers'). */
export type ItemResult = {
  index: number;
  status: number;
  id?: number;
  alert?: { id: number; status: string } | null;
  errors?: Record<string, string[]>;
};
export type BatchBody = { created: number; failed: number; results: ItemResult[] };

export const uniqueSource = () => `sensor-${crypto.randomUUID()}`;

/** A valid Low event's body (it raises no alert), with `fields` on top. */
export const lowEvent = (fields: Record<string, unknown> = {}) => ({
  source_name: uniqueSource(),
  event_type: "probe",
  severity: "Low",
  ...fields,
});

/** Ingests an event through the API (the only way alerts come to exist). */
export async function ingest(admin: TestUser, fields: Record<string, unknown> = {}): Promise<EventBody> {
  const severity = (fields.severity as string | undefined) ?? "High";
  const res = await api("/api/events/", {
    token: admin.token,
    json: {
      source_name: uniqueSource(),
      event_type: "brute_force",
      severity,
      ...(severity === "Critical" ? { description: "Domain admin credentials seen on a paste site" } : {}),
      ...fields,
    },
  });
  if (res.status !== 201) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as EventBody;
}

/** A fresh Open alert, via a High event. */
export async function openAlert(admin: TestUser, fields: Record<string, unknown> = {}): Promise<number> {
  const event = await ingest(admin, { severity: "High", ...fields });
  if (!event.alert) throw new Error("a High event raised no alert");
  return event.alert.id;
}
