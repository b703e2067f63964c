import { PageQueryDto } from '../http/page-query.dto';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BOUND_PATTERN, boundMessage, START_MESSAGE, START_PATTERN } from '@chairtime/domain';

export class CreateAppointmentDto {
  @ApiProperty({ maxLength: 36, format: 'uuid' })
  @IsUUID()
  patientId!: string;

  @ApiProperty({ maxLength: 36, format: 'uuid' })
  @IsUUID()
  clinicId!: string;

  @ApiProperty({ maxLength: 100, example: 'iv-infusion' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  kind!: string;

  @ApiProperty({
    pattern: START_PATTERN.source,
    maxLength: 40,
    example: '2027-03-02T14:00:00Z',
    description: 'An instant, or a clinic-local wall time without offset',
  })
  @Matches(START_PATTERN, { message: START_MESSAGE })
  startsAt!: string;

  @ApiPropertyOptional({ maxLength: 36, format: 'uuid', description: 'Chair kinds only; the first free capable chair when omitted' })
  @IsOptional()
  @IsUUID()
  chairId?: string;
}

export class RescheduleDto {
  @ApiProperty({ pattern: START_PATTERN.source, maxLength: 40, example: '2027-03-03T14:00:00Z' })
  @Matches(START_PATTERN, { message: START_MESSAGE })
  startsAt!: string;

  @ApiPropertyOptional({ maxLength: 36, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  chairId?: string;
}

export class CancelAppointmentDto {
  @ApiProperty({ maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class ListAppointmentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ maxLength: 36, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  clinicId?: string;

  @ApiPropertyOptional({ maxLength: 36, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  patientId?: string;

  @ApiPropertyOptional({
    pattern: BOUND_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'Starts at or after: an instant, or with clinicId a clinic-local wall time or date',
  })
  @IsOptional()
  @Matches(BOUND_PATTERN, { message: boundMessage('from') })
  from?: string;

  @ApiPropertyOptional({
    pattern: BOUND_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'Starts before: an instant, or with clinicId a clinic-local wall time or date',
  })
  @IsOptional()
  @Matches(BOUND_PATTERN, { message: boundMessage('to') })
  to?: string;
}

export class AlternativesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 20, default: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  limit?: number;
}
