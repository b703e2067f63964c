import { PageQueryDto } from '../http/page-query.dto';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { localOrInstantMessage, START_PATTERN } from '@chairtime/domain';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** E.164: +, country code, up to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

export class ConsentDto {
  @ApiProperty()
  @IsBoolean()
  sms!: boolean;

  @ApiProperty()
  @IsBoolean()
  email!: boolean;
}

export class RideContactDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ pattern: E164.source, maxLength: 16, example: '+15551234567' })
  @Matches(E164, { message: 'phone must be an E.164 number' })
  phone!: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  relationship?: string;
}

/** Fields shared by create and update; every one optional here, required ones re-declared below. */
export class UpdatePatientDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  givenName?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  familyName?: string;

  @ApiPropertyOptional({ pattern: DATE.source, maxLength: 10, example: '1980-04-02' })
  @IsOptional()
  @Matches(DATE, { message: 'birthDate must be a date YYYY-MM-DD' })
  birthDate?: string;

  @ApiPropertyOptional({ type: String, format: 'email', maxLength: 320, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ type: String, pattern: E164.source, maxLength: 16, example: '+15551234567', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(E164, { message: 'phone must be an E.164 number' })
  phone?: string | null;

  @ApiPropertyOptional({
    type: String,
    maxLength: 64,
    example: 'America/New_York',
    nullable: true,
    description: "IANA zone; null = the clinic's",
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(64)
  timezone?: string | null;

  @ApiPropertyOptional({ enum: ['sms', 'email'] })
  @IsOptional()
  @IsIn(['sms', 'email'])
  contactPreference?: 'sms' | 'email';

  @ApiPropertyOptional({ type: ConsentDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentDto)
  consent?: ConsentDto;

  @ApiPropertyOptional({ type: [RideContactDto], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => RideContactDto)
  rideContacts?: RideContactDto[];
}

export class CreatePatientDto extends UpdatePatientDto {
  @ApiPropertyOptional({ maxLength: 36, format: 'uuid', description: "Required for admins; defaults to the staff member's only clinic" })
  @IsOptional()
  @IsUUID()
  clinicId?: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  declare givenName: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  declare familyName: string;

  @ApiProperty({ example: '1980-04-02' })
  @Matches(DATE, { message: 'birthDate must be a date YYYY-MM-DD' })
  declare birthDate: string;

  @ApiProperty({ enum: ['sms', 'email'] })
  @IsIn(['sms', 'email'])
  declare contactPreference: 'sms' | 'email';

  @ApiProperty({ type: ConsentDto })
  @ValidateNested()
  @Type(() => ConsentDto)
  declare consent: ConsentDto;
}

export class RemsEnrollmentDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  enrollmentId!: string;

  @ApiProperty({ pattern: DATE.source, maxLength: 10, example: '2027-01-15' })
  @Matches(DATE, { message: 'enrolledOn must be a date YYYY-MM-DD' })
  enrolledOn!: string;
}

/** Codes and answers are checked by the domain's `screen()`, which names the bad path (`diagnoses[2]`). */
export class ScreeningDto {
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 30, example: ['major-depressive-disorder'] })
  @IsArray()
  @ArrayMaxSize(30)
  diagnoses!: string[];

  @ApiProperty()
  @IsInt()
  antidepressantTrialsFailed!: number;

  @ApiProperty()
  @IsInt()
  systolic!: number;

  @ApiProperty()
  @IsInt()
  diastolic!: number;

  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 30 })
  @IsArray()
  @ArrayMaxSize(30)
  relativeFlags!: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  intoxicated?: boolean;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer', format: 'int32', minimum: 0, maximum: 3 },
    minItems: 9,
    maxItems: 9,
    description: '9 answers 0–3',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  phq9?: number[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer', format: 'int32', minimum: 0, maximum: 3 },
    minItems: 7,
    maxItems: 7,
    description: '7 answers 0–3',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  gad7?: number[];
}

export class ScreeningDecisionDto {
  @ApiProperty({ enum: ['approved', 'declined'] })
  @IsIn(['approved', 'declined'])
  decision!: 'approved' | 'declined';

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class AssessmentDto {
  @ApiProperty({ enum: ['PHQ-9', 'GAD-7'] })
  @IsIn(['PHQ-9', 'GAD-7'])
  instrument!: 'PHQ-9' | 'GAD-7';

  @ApiProperty({
    type: 'array',
    items: { type: 'integer', format: 'int32', minimum: 0, maximum: 3 },
    minItems: 7,
    maxItems: 9,
    description: 'PHQ-9: 9 answers, GAD-7: 7 answers, each 0–3',
  })
  @IsArray()
  @ArrayMaxSize(30)
  answers!: number[];
}

export class AssessmentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['PHQ-9', 'GAD-7'] })
  @IsOptional()
  @IsIn(['PHQ-9', 'GAD-7'])
  instrument?: 'PHQ-9' | 'GAD-7';
}

export class TaskQueryDto extends PageQueryDto {
  @ApiProperty({ maxLength: 36, format: 'uuid' })
  @IsUUID()
  clinicId!: string;

  @ApiPropertyOptional({ enum: ['open', 'acknowledged', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'acknowledged', 'resolved'])
  status?: 'open' | 'acknowledged' | 'resolved';

  @ApiPropertyOptional({ maxLength: 50, example: 'vitals-hold' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  kind?: string;
}

export class ResolveTaskDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class RideDto {
  @ApiProperty({ enum: ['confirmed', 'rideshare', 'needs-help'] })
  @IsIn(['confirmed', 'rideshare', 'needs-help'])
  status!: 'confirmed' | 'rideshare' | 'needs-help';

  @ApiPropertyOptional({ maxLength: 200, description: 'Required when confirmed' })
  @ValidateIf((o: RideDto) => o.status === 'confirmed' || o.driverName !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  driverName?: string;

  @ApiPropertyOptional({ pattern: E164.source, maxLength: 16, example: '+15551234567', description: 'E.164; required when confirmed' })
  @ValidateIf((o: RideDto) => o.status === 'confirmed' || o.driverPhone !== undefined)
  @Matches(E164, { message: 'driverPhone must be an E.164 number' })
  driverPhone?: string;
}

export class CheckInDto {
  @ApiProperty({ description: 'The patient attests they are not intoxicated; true refuses the visit (422)' })
  @IsBoolean()
  intoxicated!: boolean;
}

/** Bounds are the domain's (`validateVitals`), so the error names the field and its range. */
export class VitalsDto {
  @ApiProperty({ enum: ['pre', 'during', 'post'] })
  @IsIn(['pre', 'during', 'post'])
  phase!: 'pre' | 'during' | 'post';

  @ApiProperty({ minimum: 50, maximum: 300 })
  @IsInt()
  systolic!: number;

  @ApiProperty({ minimum: 20, maximum: 200 })
  @IsInt()
  diastolic!: number;

  @ApiProperty({ minimum: 20, maximum: 250 })
  @IsInt()
  heartRate!: number;

  @ApiProperty({ minimum: 50, maximum: 100 })
  @IsInt()
  spo2!: number;
}

export class RideHandoffDto {
  @ApiProperty({ maxLength: 200, description: 'Who the patient was handed over to' })
  @IsString()
  @MaxLength(200)
  name!: string;
}

export class DischargeDto {
  @ApiPropertyOptional({ type: RideHandoffDto, description: 'Missing or blank → 409 ride-handoff-missing' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RideHandoffDto)
  rideHandoff?: RideHandoffDto;
}

export class SideEffectsDto {
  @ApiProperty({
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      required: ['name', 'severity'],
      properties: {
        name: { type: 'string', maxLength: 100 },
        severity: { type: 'string', enum: ['mild', 'moderate', 'severe'] },
        note: { type: 'string', maxLength: 2000 },
      },
    },
    description: 'Names and severities per API.md; each is checked by the service, which names the bad path',
  })
  @IsArray()
  @ArrayMaxSize(20)
  effects!: unknown[];
}

export class RemsFormDto {
  @ApiProperty({ enum: [56, 84] })
  @IsIn([56, 84])
  doseMg!: number;

  @ApiProperty({ enum: [2, 3] })
  @IsIn([2, 3])
  devices!: number;

  @ApiProperty({ maxLength: 50 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  lotNumber!: string;

  @ApiProperty({ pattern: START_PATTERN.source, maxLength: 40 })
  @Matches(START_PATTERN, { message: localOrInstantMessage('firstDeviceAt') })
  firstDeviceAt!: string;

  @ApiProperty({ pattern: START_PATTERN.source, maxLength: 40 })
  @Matches(START_PATTERN, { message: localOrInstantMessage('monitoringEndedAt') })
  monitoringEndedAt!: string;

  @ApiProperty()
  @IsBoolean()
  sedation!: boolean;

  @ApiProperty()
  @IsBoolean()
  dissociation!: boolean;
}

export { PageQueryDto };
