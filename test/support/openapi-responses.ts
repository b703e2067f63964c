import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';

/** One response as the client received it. */
export interface RecordedResponse {
  method: string;
  /** The request path without the query string. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** The raw body text ('' when none). */
  body: string;
}

type MediaTypes = Record<string, { schema?: unknown }>;
type Operation = { operationId?: string; responses: Record<string, { content?: MediaTypes }> };

/**
 * Checks responses against an OpenAPI 3.0 document: the operation (method + path template) must
 * document the status, the content type must be one it names, and a JSON body must match its
 * schema. Responses to paths the document does not describe (metrics, the admin pages, unknown
 * routes) are not its business and pass. Returns a reason for a mismatch, or null.
 */
export function createResponseChecker(document: OpenAPIObject): (r: RecordedResponse) => string | null {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // Schemas refer to '#/components/schemas/X'; register the components under one id and point there.
  const rewrite = <T>(v: T): T =>
    nullableRefs(JSON.parse(JSON.stringify(v).replaceAll('"#/components/', '"openapi.json#/components/'))) as T;
  ajv.addSchema({ $id: 'openapi.json', components: rewrite(document.components ?? {}) });
  const routes = Object.entries(document.paths).map(([template, item]) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    item: item as Record<string, Operation | undefined>,
  }));
  const compiled = new Map<string, ValidateFunction>();

  return (r) => {
    // A literal segment beats a parameter (`/courses/plan` before `/courses/{id}`): fewest parameters first.
    const route = routes
      .filter((x) => x.pattern.test(r.path))
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
    const op = route?.item[r.method.toLowerCase()];
    if (!route || !op) return null;
    const where = `${r.method} ${route.template} → ${r.status}`;
    const documented = op.responses[String(r.status)] ?? op.responses[`${String(r.status)[0]}XX`] ?? op.responses.default;
    if (!documented) return `${where}: status not documented (documented: ${Object.keys(op.responses).join(', ')})`;
    if (!r.body) return null;
    const media = (r.contentType ?? '').split(';')[0].trim().toLowerCase();
    const content = documented.content ?? {};
    if (!(media in content))
      return `${where}: content type ${media || '(none)'} not documented (documented: ${Object.keys(content).join(', ') || 'no body'})`;
    const schema = content[media].schema;
    if (!schema || !media.endsWith('json')) return null;
    const key = `${route.template} ${r.method} ${r.status} ${media}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(rewrite(schema as object));
      compiled.set(key, validate);
    }
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      return `${where}: body is not JSON`;
    }
    if (validate(body)) return null;
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map(
        (e) =>
          `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
      );
    return `${where}: body does not match the schema: ${errors.join('; ')}`;
  };
}

/**
 * OpenAPI 3.0 `nullable` only widens a `type` beside it; `{nullable, allOf: [$ref]}` (how Nest
 * writes a nullable DTO property) means "the DTO or null" to generated clients (openapi-typescript),
 * so it is checked that way.
 */
function nullableRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(nullableRefs);
  if (typeof v !== 'object' || v === null) return v;
  const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nullableRefs(x)])) as Record<string, unknown>;
  if (o.nullable === true && (o.allOf || o.$ref || o.oneOf || o.anyOf)) {
    const { nullable: _nullable, type: _type, ...rest } = o;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  return o;
}
