import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';

export class LiveDto {
  @ApiProperty({ enum: ['ok'] }) status!: string;
}

const CHECKS = {
  type: 'object',
  maxProperties: 10,
  description: 'Per dependency (postgres, redis, migrations): `{status: up|down, message?}`',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string', maxLength: 200 } },
  },
} as ApiPropertyOptions;

/** Terminus's readiness answer (200); a failing check is a 503 problem naming it. */
export class ReadyDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional(CHECKS) info?: Record<string, unknown>;
  @ApiPropertyOptional(CHECKS) error?: Record<string, unknown>;
  @ApiProperty(CHECKS) details!: Record<string, unknown>;
}
