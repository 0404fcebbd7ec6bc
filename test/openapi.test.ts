import { beforeAll, describe, expect, it } from "vitest";
import { openAlert } from "./factories";
import { api, createUser } from "./helpers";

/**
 * The OpenAPI document is complete enough for client generators and linters (issue 8): every
 * operation named, its headers and its 405/500 declared, every value bounded. CI also lints it
 * with spectral (.spectral.yaml); this pins what generated clients rely on.
 */
type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  tags?: string[];
  description?: string;
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { headers?: Record<string, unknown>; links?: Record<string, { operationId: string }> }>;
};

let doc: Json & { paths: Record<string, Record<string, Operation>>; components: Json };
const operations: { method: string; path: string; op: Operation }[] = [];

beforeAll(async () => {
  doc = (await (await api("/api/openapi.json")).json()) as typeof doc;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) operations.push({ method, path, op });
  }
});

const name = (o: { method: string; path: string }) => `${o.method.toUpperCase()} ${o.path}`;

describe("the OpenAPI document", () => {
  it("names every operation with a unique camelCase operationId, and describes it", () => {
    const ids = operations.map((o) => o.op.operationId);
    for (const o of operations) {
      expect(o.op.operationId, name(o)).toMatch(/^[a-z][A-Za-z]+$/);
      expect(o.op.description, name(o)).toBeTruthy();
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(["listAlerts", "getAlert", "updateAlert", "createEvent", "obtainToken"]),
    );
  });

  it("defines every tag it uses, and has servers", () => {
    const defined = (doc.tags as { name: string; description: string }[]).map((t) => t.name);
    for (const o of operations) for (const tag of o.op.tags ?? []) expect(defined, name(o)).toContain(tag);
    expect((doc.servers as unknown[]).length).toBeGreaterThan(0);
  });

  it("documents 405 and 500 everywhere, and X-Request-Id on every response", () => {
    for (const o of operations) {
      expect(Object.keys(o.op.responses), name(o)).toEqual(expect.arrayContaining(["405", "500"]));
      for (const [status, response] of Object.entries(o.op.responses)) {
        expect(Object.keys(response.headers ?? {}), `${name(o)} ${status}`).toContain("X-Request-Id");
      }
    }
  });

  it("declares the headers that come with a status: Location, WWW-Authenticate, Allow, Retry-After, RateLimit", () => {
    const expected: Record<string, string[]> = {
      "201": ["Location"],
      "401": ["WWW-Authenticate"],
      "405": ["Allow"],
      "429": ["Retry-After", "RateLimit", "RateLimit-Policy"],
      "503": ["Retry-After"],
    };
    for (const o of operations) {
      const throttled = "429" in o.op.responses;
      for (const [status, response] of Object.entries(o.op.responses)) {
        const headers = Object.keys(response.headers ?? {});
        // A stream ticket is used, never fetched: no URL names it.
        const unlocated = status === "201" && o.op.operationId === "createStreamTicket";
        expect(headers, `${name(o)} ${status}`).toEqual(
          expect.arrayContaining(unlocated ? [] : (expected[status] ?? [])),
        );
        if (unlocated) expect(headers, `${name(o)} ${status}`).not.toContain("Location");
        if (throttled && status.startsWith("2")) {
          expect(headers, `${name(o)} ${status}`).toEqual(expect.arrayContaining(["RateLimit", "RateLimit-Policy"]));
        }
      }
    }
  });

  it("documents every field an alert and its event carry, as the API sends them", async () => {
    const admin = await createUser("admin");
    const id = await openAlert(admin, { tags: ["doc"] });
    const alert = (await (await api(`/api/alerts/${id}/`, { token: admin.token })).json()) as Json & { event: Json };
    const schemas = doc.components.schemas as Record<string, { properties: Json }>;
    expect(Object.keys(alert).sort()).toEqual(Object.keys(schemas.Alert?.properties ?? {}).sort());
    expect(Object.keys(alert.event).sort()).toEqual(Object.keys(schemas.Event?.properties ?? {}).sort());
  });

  it("links a created event to its event and its alert", () => {
    const create = operations.find((o) => o.op.operationId === "createEvent");
    const links = create?.op.responses["201"]?.links ?? {};
    const targets = Object.values(links).map((l) => l.operationId);
    expect(targets.sort()).toEqual(["getAlert", "getEvent"]);
    const ids = operations.map((o) => o.op.operationId);
    for (const target of targets) expect(ids).toContain(target);
  });

  it("declares the request media types the server takes: JSON, merge-patch on PATCH, NDJSON for batches", () => {
    const batches = ["/api/events/batch/", "/api/intake/ocsf/", "/api/intake/ecs/"];
    for (const o of operations) {
      if (!o.op.requestBody) continue;
      const types = Object.keys(o.op.requestBody.content).sort();
      const expected =
        o.method === "patch"
          ? ["application/json", "application/merge-patch+json"]
          : batches.includes(o.path)
            ? ["application/json", "application/x-ndjson"]
            : ["application/json"];
      expect(types, name(o)).toEqual(expected);
    }
  });

  it("bounds every string, integer and array it describes", () => {
    const unbounded: string[] = [];
    const visit = (node: unknown, where: string) => {
      if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) visit(item, `${where}/${i}`);
        return;
      }
      if (!node || typeof node !== "object") return;
      const schema = node as Json;
      const types = [schema.type].flat();
      if (types.includes("string") && !("maxLength" in schema || "enum" in schema || "const" in schema)) {
        unbounded.push(where);
      }
      if (types.includes("integer") && !("minimum" in schema && "maximum" in schema && "format" in schema)) {
        unbounded.push(where);
      }
      if (types.includes("array") && !("maxItems" in schema)) unbounded.push(where);
      for (const [key, value] of Object.entries(schema)) if (key !== "example") visit(value, `${where}/${key}`);
    };
    visit(doc.paths, "#/paths");
    visit(doc.components, "#/components");
    expect(unbounded).toEqual([]);
  });
});
