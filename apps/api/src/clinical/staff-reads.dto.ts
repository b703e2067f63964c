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

class ChartVitalsDto {
  @ApiProperty({ enum: ['pre', 'during', 'post'] }) phase!: string;
  @ApiProperty() systolic!: number;
  @ApiProperty() diastolic!: number;
  @ApiProperty() heartRate!: number;
  @ApiProperty() spo2!: number;
  @ApiProperty({ type: Boolean, nullable: true }) accepted!: boolean | null;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
}

class ChartSideEffectDto {
  @ApiProperty({ enum: ['nausea', 'dizziness', 'double-vision', 'drowsiness', 'confusion', 'other'] }) name!: string;
  @ApiProperty({ enum: ['mild', 'moderate', 'severe'] }) severity!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

class ChartRemsFormDto {
  @ApiProperty({ enum: ['filed', 'due'] }) status!: 'filed' | 'due';
  @ApiPropertyOptional({ format: 'date-time' }) filedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Seven days after the session (REMS)' }) dueAt?: string;
}

class ChartRideDto {
  @ApiProperty({ enum: ['unconfirmed', 'confirmed', 'rideshare', 'needs-help', 'not-required'] }) status!: string;
}

export class ChartVisitDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: Number, nullable: true }) sequence!: number | null;
  @ApiProperty({ example: 'iv-infusion' }) kind!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ example: 'discharged' }) status!: string;
  @ApiProperty({ type: String, nullable: true }) chairName!: string | null;
  @ApiProperty({ type: ChartRideDto }) ride!: ChartRideDto;
  @ApiProperty({ type: [String], maxItems: 20 }) flags!: string[];
  @ApiProperty({ type: [ChartVitalsDto], maxItems: 50 }) vitals!: ChartVitalsDto[];
  @ApiProperty({ type: [ChartSideEffectDto], maxItems: 50 }) sideEffects!: ChartSideEffectDto[];
  @ApiPropertyOptional({ type: ChartRemsFormDto }) remsForm?: ChartRemsFormDto;
}

class ChartProtocolDto {
  @ApiProperty({ example: 'iv-induction' }) key!: string;
  @ApiProperty() version!: number;
  @ApiProperty() name!: string;
}

class ChartProgressDto {
  @ApiProperty({ description: 'Visits treated (discharged)' }) done!: number;
  @ApiProperty({ description: "The protocol's visit count" }) total!: number;
}

class ChartCourseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: ChartProtocolDto }) protocol!: ChartProtocolDto;
  @ApiProperty({ enum: ['draft', 'booked', 'completed', 'cancelled'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: ChartProgressDto }) progress!: ChartProgressDto;
  @ApiProperty({ type: [ChartVisitDto], maxItems: 100 }) visits!: ChartVisitDto[];
}

class ChartAssessmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['PHQ-9', 'GAD-7'] }) instrument!: string;
  @ApiProperty({ minimum: 0, maximum: 27 }) score!: number;
  @ApiProperty() severity!: string;
  @ApiPropertyOptional({ description: 'PHQ-9 only' }) item9Positive?: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'Null for the baseline itself' }) changeFromBaseline!: number | null;
  @ApiProperty() response!: boolean;
  @ApiProperty() remission!: boolean;
  @ApiProperty() relapseSignal!: boolean;
  @ApiProperty({ example: 'check-in' }) source!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
}

class ChartConsentDto {
  @ApiProperty() sms!: boolean;
  @ApiProperty() email!: boolean;
}

class ChartRemsEnrollmentDto {
  @ApiProperty() enrollmentId!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) enrolledOn!: string | null;
}

class ChartPatientDto extends PatientSearchItemDto {
  @ApiProperty({ format: 'uuid' }) clinicId!: string;
  @ApiProperty({ type: ChartConsentDto }) consent!: ChartConsentDto;
  @ApiProperty({ type: ChartRemsEnrollmentDto, nullable: true }) remsEnrollment!: ChartRemsEnrollmentDto | null;
}

class ChartScreeningDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SCREENING_STATUSES }) status!: string;
  @ApiProperty({ type: [String], maxItems: 20 }) indications!: string[];
  @ApiProperty({ type: [String], maxItems: 20 }) contraindications!: string[];
  @ApiProperty({ type: [String], maxItems: 20 }) relativeFlags!: string[];
  @ApiProperty({ type: Number, nullable: true }) phq9Baseline!: number | null;
  @ApiProperty({ type: Number, nullable: true }) gad7Baseline!: number | null;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) decisionNote!: string | null;
}

class ChartCheckInDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'next-day-check-in' }) kind!: string;
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 10 }) feeling!: number | null;
  @ApiProperty({ type: [String], nullable: true, maxItems: 6 }) sideEffects!: string[] | null;
  @ApiProperty({ type: Boolean, nullable: true }) suicidalThoughts!: boolean | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The PHQ-9 it recorded' }) assessmentId!: string | null;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
}

class ChartTaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'vitals-hold' }) kind!: string;
  @ApiProperty({ enum: ['open', 'acknowledged', 'resolved'] }) status!: string;
  @ApiProperty({ enum: ['normal', 'high', 'urgent'] }) priority!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) appointmentId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

class ChartMessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'reminder' }) kind!: string;
  @ApiProperty({ example: 'sms' }) channel!: string;
  @ApiProperty({ example: 'sent' }) status!: string;
  @ApiProperty({ format: 'date-time' }) sendAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) appointmentId!: string | null;
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
