import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APPOINTMENT_STATUSES } from '@chairtime/domain';
import { arrayOf, DATE, INSTANT, nullable, PageOf, text, UUID, WALL_TIME } from '../http/page.dto';

const RIDE_STATUSES = ['unconfirmed', 'confirmed', 'rideshare', 'needs-help', 'not-required'];
const KIND = text(100, { example: 'iv-infusion' });
const FLAG = text(100, { example: 'ride-unconfirmed' });

export class RideViewDto {
  @ApiProperty({ enum: RIDE_STATUSES })
  status!: string;

  @ApiPropertyOptional(text(200))
  driverName?: string;

  @ApiPropertyOptional(text(50))
  driverPhone?: string;
}

/** The one appointment shape of API.md (every endpoint that returns a visit uses it). */
export class AppointmentDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty(UUID) patientId!: string;
  @ApiProperty(nullable(UUID)) courseId!: string | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 1000, nullable: true, description: 'Place in its course' })
  sequence!: number | null;
  @ApiProperty(KIND) kind!: string;
  @ApiProperty(nullable({ ...UUID, description: 'Null for visits without a chair (consults)' })) chairId!: string | null;
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty({ ...INSTANT, description: 'End of recovery and turnover: the chair is free again' }) chairReleasedAt!: string;
  @ApiProperty({ enum: APPOINTMENT_STATUSES }) status!: string;
  @ApiPropertyOptional({ ...INSTANT, description: 'Only while held' }) holdExpiresAt?: string;
  @ApiProperty({ type: RideViewDto }) ride!: RideViewDto;
  @ApiProperty({ ...arrayOf(FLAG, 20), description: 'e.g. ride-unconfirmed, attendance-confirmed' }) flags!: string[];
}

/** A visit with the milestones of its day of treatment. */
export class DayOfAppointmentDto extends AppointmentDto {
  @ApiPropertyOptional(INSTANT) checkedInAt?: string;
  @ApiPropertyOptional(INSTANT) startedAt?: string;
  @ApiPropertyOptional(INSTANT) dischargedAt?: string;
}

export class SlotDto {
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty(INSTANT) chairReleasedAt!: string;
  @ApiProperty({ ...arrayOf(UUID, 500), description: 'Chairs free for the whole visit' }) chairIds!: string[];
}

export class AvailabilityDto {
  @ApiProperty({ type: [SlotDto], maxItems: 100000 }) slots!: SlotDto[];
}

export class AlternativesDto {
  @ApiProperty({ type: [SlotDto], maxItems: 20, description: 'Nearest first' }) alternatives!: SlotDto[];
}

export class VitalsHoldDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 400 }) systolic!: number;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 400 }) diastolic!: number;
}

export class QuietHoursDto {
  @ApiProperty(WALL_TIME) from!: string;
  @ApiProperty(WALL_TIME) to!: string;
}

const MINUTES = { type: 'integer', format: 'int32', minimum: 0, maximum: 100000 } as const;

export class ClinicSettingsDto {
  @ApiProperty(MINUTES) slotMinutes!: number;
  @ApiProperty(MINUTES) prepMinutes!: number;
  @ApiProperty(MINUTES) turnoverMinutes!: number;
  @ApiProperty({ ...MINUTES, description: 'Patients in treatment per nurse' }) nurseRatio!: number;
  @ApiProperty({ type: VitalsHoldDto }) vitalsHold!: VitalsHoldDto;
  @ApiProperty({ type: QuietHoursDto }) quietHours!: QuietHoursDto;
  @ApiProperty() requireScreeningApproval!: boolean;
  @ApiProperty(MINUTES) holdMinutes!: number;
  @ApiProperty(MINUTES) patientNoticeHours!: number;
  @ApiProperty({ description: 'The site is certified for Spravato REMS (false until an admin says so)' }) remsCertified!: boolean;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    example: 120,
    minimum: 0,
    maximum: 10080,
    description:
      'Minutes ahead of now a booking the patient makes must start (series, booster, single visit, move): sooner is 422 ' +
      '`lead-time`, and plans, availability and alternatives a patient asks for leave sooner starts out. Staff are not bound.',
  })
  minimumLeadMinutes!: number;
}

export class ClinicDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(text(200)) name!: string;
  @ApiProperty(text(100, { example: 'America/New_York', description: 'IANA time zone' })) timezone!: string;
  @ApiProperty({ type: ClinicSettingsDto }) settings!: ClinicSettingsDto;
}

export class WeeklyIntervalViewDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' }) weekday!: number;
  @ApiProperty(WALL_TIME) opens!: string;
  @ApiProperty(WALL_TIME) closes!: string;
}

export class HoursDto {
  @ApiProperty({ type: [WeeklyIntervalViewDto], maxItems: 100 }) weekly!: WeeklyIntervalViewDto[];
}

export class ClosureDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty(DATE) startDate!: string;
  @ApiProperty({ ...DATE, description: 'Inclusive' }) endDate!: string;
  @ApiProperty(text(500)) reason!: string;
}

export class ChairDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty(text(100)) name!: string;
  @ApiProperty(arrayOf(KIND, 20)) capabilities!: string[];
  @ApiProperty() active!: boolean;
}

export class ChairBlockDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) chairId!: string;
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty(text(500)) reason!: string;
}

export class ShiftDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty({ enum: ['nurse', 'clinician'] }) role!: string;
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty(nullable(text(200))) name!: string | null;
}

/** A visit on the board: ids and statuses only, no names. */
export class BoardItemDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) patientId!: string;
  @ApiProperty(text(200, { example: 'Maya Chen', description: "The patient's display name (the board is for the clinic's staff)" }))
  patientName!: string;
  @ApiProperty(nullable(UUID)) courseId!: string | null;
  @ApiProperty(KIND) kind!: string;
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty(INSTANT) chairReleasedAt!: string;
  @ApiProperty({ enum: APPOINTMENT_STATUSES }) status!: string;
  @ApiProperty({ type: RideViewDto }) ride!: RideViewDto;
  @ApiProperty(arrayOf(FLAG, 20)) flags!: string[];
}

export class BoardChairDto {
  @ApiProperty(UUID) chairId!: string;
  @ApiProperty(text(100)) name!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: [BoardItemDto], maxItems: 1000 }) appointments!: BoardItemDto[];
}

export class BoardDto {
  @ApiProperty(DATE) date!: string;
  @ApiProperty({ type: [BoardChairDto], maxItems: 500 }) chairs!: BoardChairDto[];
  @ApiProperty({ type: [BoardItemDto], maxItems: 1000, description: 'Visits without a chair' }) consults!: BoardItemDto[];
  @ApiProperty({ type: 'number', format: 'double', minimum: 0, description: 'Booked share of open chair time' })
  utilization!: number;
}

export class CapacityWeekDto {
  @ApiProperty({ ...DATE, description: 'Monday of the ISO week' }) weekStart!: string;
  @ApiProperty({ type: 'number', format: 'double', minimum: 0, maximum: 100000 }) openChairHours!: number;
  @ApiProperty({ type: 'number', format: 'double', minimum: 0, maximum: 100000 }) bookedChairHours!: number;
  @ApiProperty({ type: 'number', format: 'double', minimum: 0 }) utilization!: number;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 100000 }) newIvInductionCourses!: number;
}

export class CapacityForecastDto {
  @ApiProperty({ type: [CapacityWeekDto], maxItems: 52 }) weeks!: CapacityWeekDto[];
}

export const AppointmentPage = PageOf(AppointmentDto);
export const ClosurePage = PageOf(ClosureDto);
export const ChairPage = PageOf(ChairDto);
export const ChairBlockPage = PageOf(ChairBlockDto);
export const ShiftPage = PageOf(ShiftDto);
