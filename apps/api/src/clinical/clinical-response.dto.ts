import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { arrayOf, DATE, INSTANT, nullable, text, UUID } from '../http/page.dto';
import { E164 } from './clinical.dto';

const PHONE = { type: String, pattern: E164.source, maxLength: 16, example: '+15551234567' };
const CODE = text(100);

export class ConsentViewDto {
  @ApiProperty() sms!: boolean;
  @ApiProperty() email!: boolean;
}

export class RideContactViewDto {
  @ApiProperty(text(200)) name!: string;
  @ApiProperty(PHONE) phone!: string;
  @ApiPropertyOptional(text(100)) relationship?: string;
}

export class RemsEnrollmentViewDto {
  @ApiProperty(text(100)) enrollmentId!: string;
  @ApiProperty(DATE) enrolledOn!: string;
}

export class PatientDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty(text(200)) givenName!: string;
  @ApiProperty(text(200)) familyName!: string;
  @ApiProperty(DATE) birthDate!: string;
  @ApiProperty({ type: String, format: 'email', maxLength: 320, nullable: true }) email!: string | null;
  @ApiProperty(nullable(PHONE)) phone!: string | null;
  @ApiProperty({ ...text(64), nullable: true, description: "IANA zone; null = the clinic's" }) timezone!: string | null;
  @ApiProperty({ enum: ['sms', 'email'] }) contactPreference!: string;
  @ApiProperty({ type: ConsentViewDto }) consent!: ConsentViewDto;
  @ApiProperty({ type: [RideContactViewDto], maxItems: 10 }) rideContacts!: RideContactViewDto[];
  @ApiProperty({ type: RemsEnrollmentViewDto, nullable: true }) remsEnrollment!: RemsEnrollmentViewDto | null;
  @ApiProperty(INSTANT) createdAt!: string;
}

export class ScreeningViewDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) patientId!: string;
  @ApiProperty({ enum: ['pending-review', 'ineligible', 'approved', 'declined'] }) status!: string;
  @ApiProperty(arrayOf(CODE, 50)) contraindications!: string[];
  @ApiProperty(arrayOf(CODE, 50)) indications!: string[];
  @ApiProperty(arrayOf(CODE, 50)) relativeFlags!: string[];
  @ApiPropertyOptional(INSTANT) decidedAt?: string;
}

export class AssessmentViewDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ enum: ['PHQ-9', 'GAD-7'] }) instrument!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 27 }) score!: number;
  @ApiProperty(text(50, { example: 'moderate' })) severity!: string;
  @ApiPropertyOptional({ description: 'PHQ-9 only: item 9 (self-harm) answered above 0' }) item9Positive?: boolean;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: -27, maximum: 27, nullable: true }) changeFromBaseline!: number | null;
  @ApiProperty() response!: boolean;
  @ApiProperty() remission!: boolean;
  @ApiProperty() relapseSignal!: boolean;
  @ApiProperty(INSTANT) takenAt!: string;
  @ApiPropertyOptional({ ...UUID, description: 'The safety task this assessment raised' }) safetyTaskId?: string;
}

export class TaskDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(text(100, { example: 'safety-escalation' })) kind!: string;
  @ApiPropertyOptional(UUID) appointmentId?: string;
  @ApiProperty(UUID) patientId!: string;
  @ApiProperty(INSTANT) createdAt!: string;
  @ApiProperty({ enum: ['open', 'acknowledged', 'resolved'] }) status!: string;
  @ApiProperty({ enum: ['normal', 'high', 'urgent'] }) priority!: string;
  @ApiPropertyOptional(text(50)) assigneeRole?: string;
  @ApiPropertyOptional(INSTANT) dueAt?: string;
  @ApiPropertyOptional(text(200, { example: 'Maya Chen', description: "The patient's display name (in the task list)" }))
  patientName?: string;
}

export class VitalsResultDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ description: 'False when the reading is outside the clinic’s hold limits' }) accepted!: boolean;
  @ApiProperty(text(50, { description: 'The appointment’s status after the reading' })) status!: string;
  @ApiPropertyOptional({ ...INSTANT, description: 'After a first failed pre-treatment reading: the earliest re-check' })
  recheckAfter?: string;
}

export class SideEffectViewDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(text(100)) name!: string;
  @ApiProperty({ enum: ['mild', 'moderate', 'severe'] }) severity!: string;
  @ApiPropertyOptional(text(2000)) note?: string;
}

export class SideEffectsResultDto {
  @ApiProperty({ type: [SideEffectViewDto], maxItems: 50 }) effects!: SideEffectViewDto[];
}

export class RemsFormResultDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) appointmentId!: string;
  @ApiProperty(INSTANT) filedAt!: string;
}
