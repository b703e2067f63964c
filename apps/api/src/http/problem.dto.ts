import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema, getSchemaPath } from '@nestjs/swagger';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export class FieldErrorDto {
  @ApiProperty({ maxLength: 200, example: 'startsAt', description: 'The field: a dotted path into the body, or a query or path parameter' })
  path!: string;

  @ApiProperty({ maxLength: 1000, example: 'must be an instant or a clinic-local wall time' })
  message!: string;
}

/** The body of every error response (RFC 9457); `problem.ts` builds it, this class documents it. */
@ApiSchema({ name: 'Problem' })
export class ProblemDto {
  @ApiProperty({ format: 'uri', maxLength: 200, example: 'https://chairtime.dev/problems/validation' })
  type!: string;

  @ApiProperty({ maxLength: 100, example: 'Bad Request' })
  title!: string;

  @ApiProperty({ minimum: 400, maximum: 599, example: 400 })
  status!: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  detail?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], maxItems: 1000, description: 'On 400: each refused field and why' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    type: 'array',
    maxItems: 1000,
    items: { type: 'object', additionalProperties: true },
    description: 'On 409: what the request collided with (e.g. `{startsAt, reason}` or `{appointmentId, startsAt, kind, reason}`)',
  })
  conflicts?: Record<string, unknown>[];

  @ApiPropertyOptional({ maxLength: 50, description: 'On 409 for a refused transition: the resource’s current status' })
  currentStatus?: string;

  @ApiPropertyOptional({
    type: 'array',
    maxItems: 1000,
    items: {
      oneOf: [
        { type: 'string', maxLength: 100 },
        { type: 'object', additionalProperties: true },
      ],
    },
    description: 'The rules the request would break: codes (`recovery-not-complete`, …) or objects (`{code, sequence}` of a series on 422)',
  })
  violations?: Record<string, unknown>[];

  @ApiPropertyOptional({ maxLength: 100, description: 'A machine-readable reason where one status has several causes' })
  reason?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'On a readiness 503: each dependency’s state' })
  checks?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 200, description: 'On 500 and 503: the request id, to find the server’s log line' })
  correlationId?: string;
}

export const PROBLEM_SCHEMA_REF = { $ref: getSchemaPath(ProblemDto) };

/** Default wording per status; a route passes `[status, description]` when it can say more. */
export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `errors` names each field',
  401: 'No valid bearer token (missing, expired, forged or signed out)',
  403: 'The caller’s role may not use this route',
  404: 'Unknown id, or outside the caller’s clinic or patient scope',
  409: 'Conflicts with the current state: `conflicts` or `currentStatus` say how',
  413: 'The body is larger than BODY_LIMIT',
  415: 'The body is not JSON',
  422: 'Breaks a rule (`violations`), or the Idempotency-Key was used with another body',
  429: 'Rate-limited: retry after the `Retry-After` seconds',
  500: 'Unexpected failure; `correlationId` finds the log line',
  503: 'Temporarily unavailable (`retry`): retry after the `Retry-After` seconds',
};

/**
 * Documents error statuses a route answers, each as `application/problem+json` with the shared
 * `Problem` schema. 401/403/429/500/503 and the 400/404 of input and path ids are added to every
 * operation by `finishDocument`; name them here only to say something route-specific.
 */
export function ApiProblems(...statuses: (number | [number, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((s) => {
      const [status, description] = Array.isArray(s) ? s : [s, PROBLEM_DESCRIPTIONS[s] ?? 'Error'];
      return ApiResponse({ status, description, content: { [PROBLEM_MEDIA_TYPE]: { schema: PROBLEM_SCHEMA_REF } } });
    }),
  );
}
