import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PROBLEM_DESCRIPTIONS, PROBLEM_MEDIA_TYPE, PROBLEM_SCHEMA_REF, ProblemDto } from './problem.dto';

export const BEARER = 'bearer';
export const TWILIO_SIGNATURE = 'twilioSignature';

type Parameter = { name: string; in: string; schema?: { type?: string; format?: string; maxLength?: number } };
type Operation = {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: unknown;
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** `AppointmentsController.reschedule` → `appointments.reschedule`: stable while handlers keep their names. */
export function operationId(controllerKey: string, methodKey: string): string {
  const base = controllerKey.replace(/Controller$/, '');
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}.${methodKey}`;
}

/**
 * The OpenAPI document exactly as `/docs-json` serves it; `scripts/openapi.mjs` (linters, the
 * committed docs/openapi.json) and the e2e response check build it with this same function.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Chairtime API')
    .setDescription(
      'Scheduling and booking for ketamine clinics. Errors are application/problem+json (RFC 9457). ' +
        'Signed-in routes take a short-lived JWT access token (RFC8725 practices: HS256 only, `exp` required) from ' +
        '`POST /v1/auth/login` as `Authorization: Bearer …`.',
    )
    .setVersion('1')
    .setContact('Chairtime', 'https://chairtime.dev', 'api@chairtime.dev')
    .setLicense('Proprietary', 'https://chairtime.dev/license')
    .addTag('health', 'Liveness and readiness probes')
    .addTag('auth', 'Sign-in, token refresh and sign-out')
    .addTag('users', 'The signed-in user; user administration')
    .addTag('audit', 'The append-only audit log (HIPAA audit controls)')
    .addTag('clinics', 'Clinic set-up and capacity: hours, closures, chairs, shifts, availability, the day board')
    .addTag('appointments', 'Single visits and the day of treatment')
    .addTag('patients', 'Patients, screenings and PHQ-9/GAD-7 assessments')
    .addTag('tasks', 'Clinical follow-up tasks and safety escalations')
    .addTag('protocols', 'Course protocols (templates stored as data)')
    .addTag('courses', 'Treatment courses, series plans and bookings')
    .addTag('messages', 'Message plans, sent messages, one-tap links and the SMS webhook')
    .addTag('waitlist', 'Waiting for sooner chair time, and claiming offers')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'Access token from `POST /v1/auth/login` or `/v1/auth/refresh` (HS256 JWT with `exp`, RFC8725).',
      },
      BEARER,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Twilio-Signature',
        description: 'The SMS provider’s HMAC-SHA1 signature of the webhook URL and its posted parameters (Twilio’s scheme).',
      },
      TWILIO_SIGNATURE,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
    extraModels: [ProblemDto],
  });
  return finishDocument(document);
}

/**
 * Cross-cutting answers no controller decorates: the guard's 401/403 on every signed-in route,
 * the validation pipe's 400 wherever input is taken, 404 for path ids, the global throttle's
 * 429, and 500/503 anywhere. Every error is a problem+json `Problem`. Each operation states its
 * security once: bearer, the Twilio signature, or `[]` (public, or a signed token in the path).
 */
export function finishDocument(document: OpenAPIObject): OpenAPIObject {
  // Relative, so the document is right wherever the API is deployed (production, staging, local).
  document.servers = [
    { url: '/', description: 'The server that serves this document (production, staging or local)', 'x-internal': false } as never,
  ];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      op.security = dedupeSecurity(op.security ?? []);
      for (const p of op.parameters ?? []) {
        // Every `…Id` / `id` path segment is parsed by ParseUUIDPipe (a malformed one is a 400).
        if (p.in === 'path' && /^(id|\w+Id)$/.test(p.name) && p.schema?.type === 'string' && !p.schema.format) {
          p.schema = { ...p.schema, format: 'uuid', maxLength: 36 };
        }
      }
      const signedIn = op.security.some((s) => BEARER in s);
      const wanted = new Set<number>([429, 500, 503]);
      if ((op.parameters?.length ?? 0) > 0 || op.requestBody) wanted.add(400);
      if (path.includes('{')) wanted.add(404);
      if (signedIn) [401, 403].forEach((s) => wanted.add(s));
      for (const status of wanted) {
        op.responses[String(status)] ??= { description: PROBLEM_DESCRIPTIONS[status] ?? 'Error' };
      }
      for (const [status, response] of Object.entries(op.responses)) {
        // The global throttle (@nestjs/throttler) reports its budget on the answers it lets through and on its 4xx.
        if (/^[24]/.test(status)) response.headers = { ...RATE_LIMIT_HEADERS, ...response.headers };
        if (Number(status) < 400) continue;
        response.content = { [PROBLEM_MEDIA_TYPE]: { schema: PROBLEM_SCHEMA_REF } };
        if (status === '429' || status === '503') response.headers = { ...response.headers, 'Retry-After': RETRY_AFTER };
      }
    }
  }
  return document;
}

const COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: 1000000 };
const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed per minute for this client', schema: COUNT },
  'X-RateLimit-Remaining': { description: 'Requests left in the current minute', schema: COUNT },
  'X-RateLimit-Reset': { description: 'Seconds until the budget is whole again', schema: COUNT },
};

const RETRY_AFTER = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 },
};

function dedupeSecurity(security: Record<string, string[]>[]): Record<string, string[]>[] {
  const seen = new Set<string>();
  return security.filter((s) => {
    const key = JSON.stringify(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
