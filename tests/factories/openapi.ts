import Ajv2020 from "ajv/dist/2020";
import type { ValidateFunction } from "ajv";

type Json = unknown;
export type OpenApiDoc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  components: { schemas: Record<string, Json> };
};

/** Every `$ref` in the document with where it sits (a JSON pointer). */
export function refsOf(value: Json, at = "#"): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => refsOf(item, `${at}/${i}`));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === "$ref" && typeof child === "string" ? [{ at, ref: child }] : refsOf(child, `${at}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`),
  );
}

/** What a local `#/…` pointer names in the document, or undefined. */
export function resolvePointer(doc: Json, ref: string): Json {
  if (!ref.startsWith("#/")) return undefined;
  let node: Json = doc;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!node || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Record<string, Json>)[key];
  }
  return node;
}

/**
 * Checks an answer of the REST API against the document: the route is found by its path
 * template, the status must be one it documents, and the body must match that status's schema
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1). Returns the problems, none when it matches;
 * a path no route serves is not checked (its 404 is the router's, not a route's).
 */
export function responseChecker(doc: OpenApiDoc): (method: string, path: string, status: number, body: Json) => string[] {
  // Formats (uuid, date-time) are documentation here; the zod schemas that wrote the answer
  // are what enforces them.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: "floorchat-openapi", components: doc.components });
  const routes = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));
  const compiled = new Map<string, ValidateFunction>();
  return (method, path, status, body) => {
    const pathname = path.split("?", 1)[0]!;
    const route = routes.find((r) => r.pattern.test(pathname) && doc.paths[r.template]![method.toLowerCase()]);
    if (!route) return [];
    const operation = doc.paths[route.template]![method.toLowerCase()]!;
    const schema = operation.responses[String(status)]?.content?.["application/json"]?.schema;
    const where = `${method} ${route.template} ${status}`;
    if (!schema) return [`${where}: the document lists no such answer`];
    let validate = compiled.get(where);
    if (!validate) {
      // The document's refs (#/components/schemas/…) resolve against the schema added above.
      const text = JSON.stringify(schema).replaceAll('"#/components/', '"floorchat-openapi#/components/');
      validate = ajv.compile(JSON.parse(text) as object);
      compiled.set(where, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || "(body)"} ${e.message ?? "is invalid"}`);
  };
}
