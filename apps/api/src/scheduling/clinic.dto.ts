import { PageQueryDto } from '../http/page-query.dto';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { localOrInstantMessage, START_PATTERN } from '@chairtime/domain';
import { ClinicSettingsDto } from './scheduling-response.dto';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WALL = /^([01]\d|2[0-3]):[0-5]\d$/;
const WALL_OR_MIDNIGHT = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export class CreateClinicDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ maxLength: 100, example: 'America/New_York', description: 'IANA time zone' })
  @IsString()
  @MaxLength(100)
  timezone!: string;

  @ApiPropertyOptional({
    type: ClinicSettingsDto,
    description:
      'Any subset, merged over the defaults (slotMinutes 15, prepMinutes 10, turnoverMinutes 10, nurseRatio 4, minimumLeadMinutes 120, …, remsCertified false: a site is not Spravato REMS-certified until an admin says so)',
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}

export class UpdateClinicDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 100, description: 'IANA time zone' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;

  @ApiPropertyOptional({ type: ClinicSettingsDto, description: 'Any subset of the settings, merged over the current ones' })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}

export class WeeklyIntervalDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @ApiProperty({ pattern: WALL.source, maxLength: 5, example: '08:00' })
  @Matches(WALL, { message: 'opens must be a wall time HH:mm' })
  opens!: string;

  @ApiProperty({ pattern: WALL_OR_MIDNIGHT.source, maxLength: 5, example: '18:00', description: "HH:mm or '24:00'" })
  @Matches(WALL_OR_MIDNIGHT, { message: 'closes must be a wall time HH:mm or 24:00' })
  closes!: string;
}

export class ReplaceHoursDto {
  @ApiProperty({ maxItems: 100, type: [WeeklyIntervalDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeeklyIntervalDto)
  weekly!: WeeklyIntervalDto[];
}

export class CreateClosureDto {
  @ApiProperty({ pattern: DATE.source, maxLength: 10, example: '2027-12-24' })
  @Matches(DATE, { message: 'startDate must be a date YYYY-MM-DD' })
  startDate!: string;

  @ApiProperty({ pattern: DATE.source, maxLength: 10, example: '2027-12-26', description: 'Inclusive; ≥ startDate' })
  @Matches(DATE, { message: 'endDate must be a date YYYY-MM-DD' })
  endDate!: string;

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class CreateChairDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 100 },
    maxItems: 20,
    example: ['iv-infusion', 'im-injection', 'spravato'],
    description: 'Chair visit kinds',
  })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  capabilities!: string[];
}

export class UpdateChairDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 100 },
    maxItems: 20,
    example: ['iv-infusion'],
    description: 'Replaces the chair visit kinds',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  capabilities?: string[];

  @ApiPropertyOptional({ description: 'false takes the chair out of service (409 while future visits are on it)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ListShiftsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    pattern: DATE.source,
    maxLength: 10,
    example: '2027-03-01',
    description: 'Clinic-local date: shifts ending after its start',
  })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    pattern: DATE.source,
    maxLength: 10,
    example: '2027-03-07',
    description: 'Clinic-local date, inclusive: shifts starting before its end',
  })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: ['nurse', 'clinician'] })
  @IsOptional()
  @IsIn(['nurse', 'clinician'])
  role?: 'nurse' | 'clinician';
}

export class CreateBlockDto {
  @ApiProperty({
    pattern: START_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'An instant, or a clinic-local wall time without offset',
  })
  @Matches(START_PATTERN, { message: localOrInstantMessage('startsAt') })
  startsAt!: string;

  @ApiProperty({
    pattern: START_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'An instant, or a clinic-local wall time without offset',
  })
  @Matches(START_PATTERN, { message: localOrInstantMessage('endsAt') })
  endsAt!: string;

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class CreateShiftDto {
  @ApiProperty({ enum: ['nurse', 'clinician'] })
  @IsIn(['nurse', 'clinician'])
  role!: 'nurse' | 'clinician';

  @ApiProperty({
    pattern: START_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'An instant, or a clinic-local wall time without offset',
  })
  @Matches(START_PATTERN, { message: localOrInstantMessage('startsAt') })
  startsAt!: string;

  @ApiProperty({
    pattern: START_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'After startsAt, at most 24 h later; an instant or a clinic-local wall time',
  })
  @Matches(START_PATTERN, { message: localOrInstantMessage('endsAt') })
  endsAt!: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Staff display name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    maxLength: 36,
    description: 'The staff user on the shift: a user of this clinic with the same role; one person cannot hold overlapping shifts (409)',
  })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;
}

export class AvailabilityQueryDto {
  @ApiProperty({ maxLength: 100, example: 'iv-infusion' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  kind!: string;

  @ApiProperty({ pattern: DATE.source, maxLength: 10, example: '2027-03-01', description: 'Clinic-local date' })
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({
    pattern: DATE.source,
    maxLength: 10,
    example: '2027-03-14',
    description: 'Clinic-local date, inclusive; at most 92 days after from',
  })
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;
}

export class BoardQueryDto {
  @ApiProperty({ pattern: DATE.source, maxLength: 10, example: '2027-03-02' })
  @Matches(DATE, { message: 'date must be a date YYYY-MM-DD' })
  date!: string;
}

export class CapacityQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 26, default: 4 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(26)
  weeks?: number;
}

export { PageQueryDto };
