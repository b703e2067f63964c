import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the clinic routes (API.md "Clinics and capacity"), for the OpenAPI document. */
export class VitalsHoldDto {
  @ApiProperty({ example: 160, minimum: 100, maximum: 250 })
  systolic!: number;

  @ApiProperty({ example: 100, minimum: 50, maximum: 150 })
  diastolic!: number;
}

export class QuietHoursDto {
  @ApiProperty({ example: '21:00', description: 'Local wall time HH:mm' })
  from!: string;

  @ApiProperty({ example: '08:00', description: 'Local wall time HH:mm' })
  to!: string;
}

/** A clinic's settings; a PATCH sends any subset, merged over the current ones. */
export class ClinicSettingsDto {
  @ApiProperty({ example: 15, description: 'Slot grid, 5–60 minutes dividing the day' })
  slotMinutes!: number;

  @ApiProperty({ example: 10, minimum: 0, maximum: 240 })
  prepMinutes!: number;

  @ApiProperty({ example: 10, minimum: 0, maximum: 240 })
  turnoverMinutes!: number;

  @ApiProperty({ example: 4, minimum: 1, maximum: 10, description: 'Patients in chairs per nurse on shift' })
  nurseRatio!: number;

  @ApiProperty({ type: VitalsHoldDto, description: 'Pre-treatment blood pressure at or above which the visit cannot start' })
  vitalsHold!: VitalsHoldDto;

  @ApiProperty({ type: QuietHoursDto, description: 'No patient message (except safety) is sent between these local times' })
  quietHours!: QuietHoursDto;

  @ApiProperty({ example: true, description: 'A course needs a clinician-approved screening' })
  requireScreeningApproval!: boolean;

  @ApiProperty({ example: 10, minimum: 1, maximum: 1440, description: 'Minutes a series hold lasts' })
  holdMinutes!: number;

  @ApiProperty({ example: 24, minimum: 0, maximum: 720, description: 'Hours before a visit after which a patient cannot change it online' })
  patientNoticeHours!: number;

  @ApiProperty({ example: true, description: 'The site is certified for Spravato REMS' })
  remsCertified!: boolean;

  @ApiProperty({
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
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'America/New_York', description: 'IANA time zone' })
  timezone!: string;

  @ApiProperty({ type: ClinicSettingsDto })
  settings!: ClinicSettingsDto;
}
