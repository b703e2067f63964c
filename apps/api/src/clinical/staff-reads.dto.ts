import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../http/page-query.dto';

const SCREENING_STATUSES = ['pending-review', 'ineligible', 'approved', 'declined'] as const;

export class PatientSearchQueryDto extends PageQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  clinicId!: string;

  @ApiPropertyOptional({
    maxLength: 100,
    description:
      'Case-insensitive prefix: name words (each begins the given or family name), a birth date (`1986-03`), a phone number (digits compared), or an email. Empty lists every patient of the clinic.',
    example: 'ma ch',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  query?: string;
}

export class PatientSearchItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() givenName!: string;
  @ApiProperty() familyName!: string;
  @ApiProperty({ example: 'Maya Chen' }) displayName!: string;
  @ApiProperty({ format: 'date' }) birthDate!: string;
  @ApiProperty({ type: String, nullable: true, format: 'email' }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+15555550100' }) phone!: string | null;
  @ApiProperty({ enum: ['sms', 'email'] }) contactPreference!: 'sms' | 'email';
}

export class PatientSearchPageDto {
  @ApiProperty({ type: [PatientSearchItemDto], maxItems: 200 }) items!: PatientSearchItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor!: string | null;
}

export class ScreeningQueueQueryDto extends PageQueryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  clinicId!: string;

  @ApiPropertyOptional({ enum: SCREENING_STATUSES, default: 'pending-review' })
  @IsOptional()
  @IsIn(SCREENING_STATUSES)
  status?: (typeof SCREENING_STATUSES)[number];
}

export class IntakeScoreDto {
  @ApiProperty({ minimum: 0, maximum: 27 }) score!: number;
  @ApiProperty({ example: 'moderately-severe' }) severity!: string;
}

export class ScreeningQueueItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ example: 'Jordan Reyes' }) patientName!: string;
  @ApiProperty({ format: 'date' }) birthDate!: string;
  @ApiProperty({ enum: SCREENING_STATUSES }) status!: string;
  @ApiProperty({ type: [String], maxItems: 20 }) indications!: string[];
  @ApiProperty({ type: [String], maxItems: 20 }) contraindications!: string[];
  @ApiProperty({ type: [String], maxItems: 20 }) relativeFlags!: string[];
  @ApiProperty({ type: IntakeScoreDto, nullable: true, description: 'PHQ-9 total and band at intake' }) phq9!: IntakeScoreDto | null;
  @ApiProperty({ type: IntakeScoreDto, nullable: true, description: 'GAD-7 total and band at intake' }) gad7!: IntakeScoreDto | null;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
}

export class ScreeningQueuePageDto {
  @ApiProperty({ type: [ScreeningQueueItemDto], maxItems: 200 }) items!: ScreeningQueueItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ScreeningInputsDto {
  @ApiProperty({ type: [String], maxItems: 20 }) diagnoses!: string[];
  @ApiProperty({ minimum: 0 }) antidepressantTrialsFailed!: number;
  @ApiProperty() systolic!: number;
  @ApiProperty() diastolic!: number;
  @ApiProperty({ type: [String], maxItems: 20 }) relativeFlags!: string[];
  @ApiPropertyOptional() intoxicated?: boolean;
  @ApiPropertyOptional({ type: [Number], minItems: 9, maxItems: 9 }) phq9?: number[];
  @ApiPropertyOptional({ type: [Number], minItems: 7, maxItems: 7 }) gad7?: number[];
}

export class ScreeningRecordDto extends ScreeningQueueItemDto {
  @ApiProperty({ format: 'uuid' }) clinicId!: string;
  @ApiProperty({ type: ScreeningInputsDto }) inputs!: ScreeningInputsDto;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) decisionNote!: string | null;
}
