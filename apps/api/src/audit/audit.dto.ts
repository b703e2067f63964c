import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { INSTANT_PATTERN, instantMessage } from '@chairtime/domain';

export class AuditQueryDto {
  @ApiProperty({ required: false, format: 'uuid', maxLength: 36 }) @IsOptional() @IsUUID('all') actorId?: string;
  @ApiProperty({ required: false, format: 'uuid', maxLength: 36 }) @IsOptional() @IsUUID('all') clinicId?: string;
  @ApiProperty({ required: false, format: 'uuid', maxLength: 36 }) @IsOptional() @IsUUID('all') patientId?: string;

  @ApiProperty({ required: false, maxLength: 100, example: 'patient.read' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiProperty({ required: false, format: 'date-time', maxLength: 40, description: 'Inclusive lower bound (an instant with its offset)' })
  @IsOptional()
  @Matches(INSTANT_PATTERN, { message: instantMessage('from') })
  from?: string;

  @ApiProperty({ required: false, format: 'date-time', maxLength: 40, description: 'Exclusive upper bound (an instant with its offset)' })
  @IsOptional()
  @Matches(INSTANT_PATTERN, { message: instantMessage('to') })
  to?: string;

  @ApiProperty({ required: false, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiProperty({ required: false, maxLength: 200, description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class AuditEntryDto {
  @ApiProperty({ pattern: '^[0-9]+$', maxLength: 20, description: 'Increasing with time (a bigint as a string)' }) id!: string;
  @ApiProperty({ format: 'date-time', maxLength: 40 }) at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', maxLength: 36 }) actorId!: string | null;
  @ApiProperty({ maxLength: 50, example: 'scheduler' }) actorRole!: string;
  @ApiProperty({ maxLength: 100, example: 'patient.read' }) action!: string;
  @ApiProperty({ maxLength: 100, example: 'patient' }) resourceType!: string;
  @ApiProperty({ nullable: true, type: String, maxLength: 200 }) resourceId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', maxLength: 36 }) clinicId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', maxLength: 36 }) patientId!: string | null;
  @ApiProperty({ nullable: true, type: String, maxLength: 200 }) requestId!: string | null;
  @ApiProperty({ enum: ['success', 'denied', 'not-found', 'failure'] }) outcome!: 'success' | 'denied' | 'not-found' | 'failure';
  @ApiProperty({ nullable: true, type: String, maxLength: 2000 }) detail!: string | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto], maxItems: 200 }) items!: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String, maxLength: 500 }) nextCursor!: string | null;
}
