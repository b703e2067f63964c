import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { INSTANT_PATTERN, instantMessage } from '@chairtime/domain';

export class AuditQueryDto {
  @ApiProperty({ required: false }) @IsOptional() @IsUUID('all') actorId?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsUUID('all') clinicId?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsUUID('all') patientId?: string;

  @ApiProperty({ required: false, example: 'patient.read' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiProperty({ required: false, description: 'Inclusive lower bound (an instant with its offset)' })
  @IsOptional()
  @Matches(INSTANT_PATTERN, { message: instantMessage('from') })
  from?: string;

  @ApiProperty({ required: false, description: 'Exclusive upper bound (an instant with its offset)' })
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

  @ApiProperty({ required: false, description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class AuditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty() actorRole!: string;
  @ApiProperty() action!: string;
  @ApiProperty() resourceType!: string;
  @ApiProperty({ nullable: true, type: String }) resourceId!: string | null;
  @ApiProperty({ nullable: true, type: String }) clinicId!: string | null;
  @ApiProperty({ nullable: true, type: String }) patientId!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ enum: ['success', 'denied', 'not-found', 'failure'] }) outcome!: 'success' | 'denied' | 'not-found' | 'failure';
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items!: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
