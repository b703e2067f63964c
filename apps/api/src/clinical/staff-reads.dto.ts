import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../http/page-query.dto';
import { arrayOf, DATE, INSTANT, nullable, text, UUID } from '../http/page.dto';

const SCREENING_STATUSES = ['pending-review', 'ineligible', 'approved', 'declined'] as const;
/** Screening codes (diagnoses, indications, flags): ScreeningDto takes at most 30 of at most 100 characters. */
const CODES = arrayOf(text(100), 30);
/** givenName and familyName are at most 200 each (CreatePatientDto), joined by a space. */
const DISPLAY_NAME = text(401, { example: 'Maya Chen' });
const NOTE = nullable(text(2000));
const PHONE = nullable(text(16, { example: '+15555550100' }));

export class PatientSearchQueryDto extends PageQueryDto {
  @ApiProperty(UUID)
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
  @ApiProperty(UUID) id!: string;
  @ApiProperty(text(200)) givenName!: string;
  @ApiProperty(text(200)) familyName!: string;
  @ApiProperty(DISPLAY_NAME) displayName!: string;
  @ApiProperty(DATE) birthDate!: string;
  @ApiProperty({ type: String, nullable: true, format: 'email', maxLength: 320 }) email!: string | null;
  @ApiProperty(PHONE) phone!: string | null;
  @ApiProperty({ enum: ['sms', 'email'] }) contactPreference!: 'sms' | 'email';
}

export class PatientSearchPageDto {
  @ApiProperty({ type: [PatientSearchItemDto], maxItems: 200 }) items!: PatientSearchItemDto[];
  @ApiProperty(nullable(text(500, { description: 'Pass as `cursor` for the next page; null on the last' })))
  nextCursor!: string | null;
}

export class ScreeningQueueQueryDto extends PageQueryDto {
  @ApiProperty(UUID)
  @IsUUID()
  clinicId!: string;

  @ApiPropertyOptional({ enum: SCREENING_STATUSES, default: 'pending-review' })
  @IsOptional()
  @IsIn(SCREENING_STATUSES)
  status?: (typeof SCREENING_STATUSES)[number];
}

export class IntakeScoreDto {
  @ApiProperty({ minimum: 0, maximum: 27 }) score!: number;
  @ApiProperty(text(50, { example: 'moderately-severe' })) severity!: string;
}

export class ScreeningQueueItemDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) patientId!: string;
  @ApiProperty({ ...DISPLAY_NAME, example: 'Jordan Reyes' }) patientName!: string;
  @ApiProperty(DATE) birthDate!: string;
  @ApiProperty({ enum: SCREENING_STATUSES }) status!: string;
  @ApiProperty(CODES) indications!: string[];
  @ApiProperty(CODES) contraindications!: string[];
  @ApiProperty(CODES) relativeFlags!: string[];
  @ApiProperty({ type: IntakeScoreDto, nullable: true, description: 'PHQ-9 total and band at intake' }) phq9!: IntakeScoreDto | null;
  @ApiProperty({ type: IntakeScoreDto, nullable: true, description: 'GAD-7 total and band at intake' }) gad7!: IntakeScoreDto | null;
  @ApiProperty(INSTANT) submittedAt!: string;
}

export class ScreeningQueuePageDto {
  @ApiProperty({ type: [ScreeningQueueItemDto], maxItems: 200 }) items!: ScreeningQueueItemDto[];
  @ApiProperty(nullable(text(500))) nextCursor!: string | null;
}

export class ScreeningInputsDto {
  @ApiProperty(CODES) diagnoses!: string[];
  @ApiProperty({ minimum: 0 }) antidepressantTrialsFailed!: number;
  @ApiProperty() systolic!: number;
  @ApiProperty() diastolic!: number;
  @ApiProperty(CODES) relativeFlags!: string[];
  @ApiPropertyOptional() intoxicated?: boolean;
  @ApiPropertyOptional({ type: [Number], minItems: 9, maxItems: 9 }) phq9?: number[];
  @ApiPropertyOptional({ type: [Number], minItems: 7, maxItems: 7 }) gad7?: number[];
}

export class ScreeningRecordDto extends ScreeningQueueItemDto {
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty({ type: ScreeningInputsDto }) inputs!: ScreeningInputsDto;
  @ApiProperty(nullable(INSTANT)) decidedAt!: string | null;
  @ApiProperty(nullable(UUID)) decidedBy!: string | null;
  @ApiProperty(NOTE) decisionNote!: string | null;
}

class ChartVitalsDto {
  @ApiProperty({ enum: ['pre', 'during', 'post'] }) phase!: string;
  @ApiProperty() systolic!: number;
  @ApiProperty() diastolic!: number;
  @ApiProperty() heartRate!: number;
  @ApiProperty() spo2!: number;
  @ApiProperty({ type: Boolean, nullable: true }) accepted!: boolean | null;
  @ApiProperty(INSTANT) takenAt!: string;
}

class ChartSideEffectDto {
  @ApiProperty({ enum: ['nausea', 'dizziness', 'double-vision', 'drowsiness', 'confusion', 'other'] }) name!: string;
  @ApiProperty({ enum: ['mild', 'moderate', 'severe'] }) severity!: string;
  @ApiProperty(NOTE) note!: string | null;
  @ApiProperty(INSTANT) recordedAt!: string;
}

class ChartRemsFormDto {
  @ApiProperty({ enum: ['filed', 'due'] }) status!: 'filed' | 'due';
  @ApiPropertyOptional(INSTANT) filedAt?: string;
  @ApiPropertyOptional({ ...INSTANT, description: 'Seven days after the session (REMS)' }) dueAt?: string;
}

class ChartRideDto {
  @ApiProperty({ enum: ['unconfirmed', 'confirmed', 'rideshare', 'needs-help', 'not-required'] }) status!: string;
}

export class ChartVisitDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ type: Number, nullable: true }) sequence!: number | null;
  @ApiProperty(text(100, { example: 'iv-infusion' })) kind!: string;
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty(text(50, { example: 'discharged' })) status!: string;
  @ApiProperty(nullable(text(100))) chairName!: string | null;
  @ApiProperty({ type: ChartRideDto }) ride!: ChartRideDto;
  @ApiProperty(arrayOf(text(100, { example: 'ride-unconfirmed' }), 20)) flags!: string[];
  @ApiProperty({ type: [ChartVitalsDto], maxItems: 50 }) vitals!: ChartVitalsDto[];
  @ApiProperty({ type: [ChartSideEffectDto], maxItems: 50 }) sideEffects!: ChartSideEffectDto[];
  @ApiPropertyOptional({ type: ChartRemsFormDto }) remsForm?: ChartRemsFormDto;
}

class ChartProtocolDto {
  @ApiProperty(text(100, { example: 'iv-induction' })) key!: string;
  @ApiProperty() version!: number;
  @ApiProperty(text(200)) name!: string;
}

class ChartProgressDto {
  @ApiProperty({ description: 'Visits treated (discharged)' }) done!: number;
  @ApiProperty({ description: "The protocol's visit count" }) total!: number;
}

class ChartCourseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ type: ChartProtocolDto }) protocol!: ChartProtocolDto;
  @ApiProperty({ enum: ['draft', 'booked', 'completed', 'cancelled'] }) status!: string;
  @ApiProperty(INSTANT) createdAt!: string;
  @ApiProperty({ type: ChartProgressDto }) progress!: ChartProgressDto;
  @ApiProperty({ type: [ChartVisitDto], maxItems: 100 }) visits!: ChartVisitDto[];
}

class ChartAssessmentDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ enum: ['PHQ-9', 'GAD-7'] }) instrument!: string;
  @ApiProperty({ minimum: 0, maximum: 27 }) score!: number;
  @ApiProperty(text(50, { example: 'moderate' })) severity!: string;
  @ApiPropertyOptional({ description: 'PHQ-9 only' }) item9Positive?: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'Null for the baseline itself' }) changeFromBaseline!: number | null;
  @ApiProperty() response!: boolean;
  @ApiProperty() remission!: boolean;
  @ApiProperty() relapseSignal!: boolean;
  @ApiProperty(text(50, { example: 'check-in' })) source!: string;
  @ApiProperty(INSTANT) takenAt!: string;
}

class ChartConsentDto {
  @ApiProperty() sms!: boolean;
  @ApiProperty() email!: boolean;
}

class ChartRemsEnrollmentDto {
  @ApiProperty(text(100)) enrollmentId!: string;
  @ApiProperty(nullable(DATE)) enrolledOn!: string | null;
}

class ChartPatientDto extends PatientSearchItemDto {
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty({ type: ChartConsentDto }) consent!: ChartConsentDto;
  @ApiProperty({ type: ChartRemsEnrollmentDto, nullable: true }) remsEnrollment!: ChartRemsEnrollmentDto | null;
}

class ChartScreeningDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ enum: SCREENING_STATUSES }) status!: string;
  @ApiProperty(CODES) indications!: string[];
  @ApiProperty(CODES) contraindications!: string[];
  @ApiProperty(CODES) relativeFlags!: string[];
  @ApiProperty({ type: Number, nullable: true }) phq9Baseline!: number | null;
  @ApiProperty({ type: Number, nullable: true }) gad7Baseline!: number | null;
  @ApiProperty(INSTANT) submittedAt!: string;
  @ApiProperty(nullable(INSTANT)) decidedAt!: string | null;
  @ApiProperty(NOTE) decisionNote!: string | null;
}

class ChartCheckInDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(text(100, { example: 'next-day-check-in' })) kind!: string;
  @ApiProperty(UUID) appointmentId!: string;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10 }) feeling!: number | null;
  @ApiProperty(nullable(arrayOf(text(100), 6))) sideEffects!: string[] | null;
  @ApiProperty({ type: Boolean, nullable: true }) suicidalThoughts!: boolean | null;
  @ApiProperty(nullable({ ...UUID, description: 'The PHQ-9 it recorded' })) assessmentId!: string | null;
  @ApiProperty(INSTANT) answeredAt!: string;
}

class ChartTaskDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(text(50, { example: 'vitals-hold' })) kind!: string;
  @ApiProperty({ enum: ['open', 'acknowledged', 'resolved'] }) status!: string;
  @ApiProperty({ enum: ['normal', 'high', 'urgent'] }) priority!: string;
  @ApiProperty(nullable(UUID)) appointmentId!: string | null;
  @ApiProperty(INSTANT) createdAt!: string;
  @ApiProperty(nullable(INSTANT)) resolvedAt!: string | null;
  @ApiProperty(NOTE) note!: string | null;
}

class ChartMessageDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(text(100, { example: 'reminder' })) kind!: string;
  @ApiProperty(text(20, { example: 'sms' })) channel!: string;
  @ApiProperty(text(50, { example: 'sent' })) status!: string;
  @ApiProperty(INSTANT) sendAt!: string;
  @ApiProperty(nullable(INSTANT)) sentAt!: string | null;
  @ApiProperty(nullable(UUID)) appointmentId!: string | null;
}

export class PatientChartDto {
  @ApiProperty({ type: ChartPatientDto }) patient!: ChartPatientDto;
  @ApiProperty({ type: [ChartScreeningDto], maxItems: 100 }) screenings!: ChartScreeningDto[];
  @ApiProperty({ type: [ChartCourseDto], maxItems: 100 }) courses!: ChartCourseDto[];
  @ApiProperty({ type: [ChartVisitDto], maxItems: 1000, description: 'Visits outside a course, in time order' })
  otherVisits!: ChartVisitDto[];
  @ApiProperty({ type: [ChartAssessmentDto], maxItems: 1000, description: 'Oldest first' }) assessments!: ChartAssessmentDto[];
  @ApiProperty({ type: [ChartCheckInDto], maxItems: 1000, description: 'Newest first' }) checkIns!: ChartCheckInDto[];
  @ApiProperty({ type: [ChartTaskDto], maxItems: 1000, description: 'Newest first' }) tasks!: ChartTaskDto[];
  @ApiProperty({ type: [ChartMessageDto], maxItems: 100, description: 'The latest 100, newest first' }) messages!: ChartMessageDto[];
}
