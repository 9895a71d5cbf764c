import { z } from "zod";
import { SCOPES } from "~/server/services/tokens";
import type { Route } from "./core";
import { ZError } from "./schemas";

type JsonSchema = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
 * documentation cannot drift from the behaviour.
 */
export function buildOpenApi(routes: Route[], serverUrl: string) {
  const components: Record<string, JsonSchema> = {};

  const toJson = (schema: z.ZodType, io: "input" | "output") => {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    delete json.$schema;
    return { json, defs };
  };

  /** The named parts of every answer: an input part of the same name must not overwrite one. */
  const outputNames = new Set([ZError, ...routes.map((r) => r.response)].flatMap((schema) => Object.keys(toJson(schema, "output").defs)));

  /**
   * A zod schema as JSON Schema, its named parts (`.meta({ id })`) moved to components.schemas.
   * A named schema comes back from zod as `{ $ref: "#/$defs/<id>" }` with itself among the
   * $defs, so the component is that def, never the $ref (which would point at itself). A named
   * part that is also an answer's, with an input shape that differs from its output (defaults,
   * transforms), is `<name>Input` as input, so neither overwrites the other.
   */
  function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const { json, defs } = toJson(schema, io);
    const outputDefs = io === "input" ? toJson(schema, "output").defs : defs;
    const differs = (name: string) => outputNames.has(name) && JSON.stringify(defs[name]) !== JSON.stringify(outputDefs[name]);
    const nameFor = (name: string) => (io === "input" && differs(name) ? `${name}Input` : name);
    const rewrite = (value: unknown) =>
      JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_, name: string) => `"#/components/schemas/${nameFor(name)}"`)) as JsonSchema;
    for (const [name, def] of Object.entries(defs)) components[nameFor(name)] = rewrite(def);
    return rewrite(json);
  }

  const errorRef = schemaOf(ZError, "output");
  const ERROR_TEXT: Record<number, string> = {
    400: "Invalid input: `error.fields` has a message per field",
    401: "Missing, unknown or revoked token",
    403: "The token lacks the scope, or is bound to another chat",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Request body over 1 MB",
    429: "Too many requests for this token",
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters = [
      ...Object.entries(r.params?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: "path",
        required: true,
        schema: schemaOf(schema as z.ZodType, "input"),
      })),
      ...Object.entries(r.query?.shape ?? {}).map(([name, schema]) => ({
        name,
        in: "query",
        required: false,
        description: (schema as z.ZodType).description,
        schema: schemaOf(schema as z.ZodType, "input"),
      })),
    ];
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: { description: "OK", content: { "application/json": { schema: schemaOf(r.response, "output") } } },
    };
    for (const status of [...new Set([400, 401, 403, 429, ...(r.errors ?? [])])].sort()) {
      responses[String(status)] = { description: ERROR_TEXT[status] ?? "Error", content: { "application/json": { schema: errorRef } } };
    }
    paths[r.path] ??= {};
    paths[r.path]![r.method.toLowerCase()] = {
      summary: r.summary,
      description: r.description ? `${r.description}\n\nScope: \`${r.scope}\`.` : `Scope: \`${r.scope}\`.`,
      tags: [r.tag],
      security: [{ token: [r.scope] }],
      parameters: parameters.length > 0 ? parameters : undefined,
      requestBody: r.body ? { required: true, content: { "application/json": { schema: schemaOf(r.body, "input") } } } : undefined,
      responses,
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Floorchat API for scripts",
      version: "1",
      description:
        "Records, system chats, approvals. Authenticate with an API token: `Authorization: Bearer fct_…` (Admin → API tokens, or `npm run token:create`). Errors are `{\"error\":{\"code\",\"message\"}}`.",
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    components: {
      schemas: components,
      securitySchemes: {
        token: { type: "http", scheme: "bearer", description: `Scopes: ${SCOPES.join(", ")}` },
      },
    },
    paths,
  };
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** A readable page of the same document: no script, works offline. */
export function renderDocs(doc: ReturnType<typeof buildOpenApi>): string {
  const sections = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const o = op as { summary: string; description: string; requestBody?: unknown; responses: Record<string, unknown> };
      const body = o.requestBody ? `<h4>Body</h4><pre>${escape(JSON.stringify(o.requestBody, null, 2))}</pre>` : "";
      return `<section><h3><code>${method.toUpperCase()} /api/v1${escape(path)}</code></h3><p><strong>${escape(o.summary)}</strong></p><p>${escape(o.description)}</p>${body}<h4>Responses</h4><pre>${escape(JSON.stringify(o.responses, null, 2))}</pre></section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(doc.info.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:56rem;margin:0 auto;padding:1rem;color:#1a1c1e;background:#fff}pre{background:#f3f4f6;padding:.75rem;overflow:auto;font-size:13px}code{font-size:15px}section{border-top:1px solid #d0d4da;padding-top:.5rem}@media (prefers-color-scheme:dark){body{background:#111315;color:#e6e8ea}pre{background:#1d2024}}</style></head>
<body><h1>${escape(doc.info.title)}</h1><p>${escape(doc.info.description)}</p><p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Schemas</h2><pre>${escape(JSON.stringify(doc.components.schemas, null, 2))}</pre><h2>Endpoints</h2>${sections.join("\n")}</body></html>`;
}
