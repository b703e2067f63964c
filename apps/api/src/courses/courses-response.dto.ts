import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COURSE_STATUSES } from '@chairtime/domain';
import { INSTANT, nullable, text, UUID } from '../http/page.dto';
import { AppointmentDto } from '../scheduling/scheduling-response.dto';

const DAYS = { type: 'integer', format: 'int32', minimum: 0, maximum: 3660 } as const;

export class ProtocolRefDto {
  @ApiProperty(text(100, { example: 'iv-induction' })) key!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 100000 }) version!: number;
}

export class CourseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty(UUID) patientId!: string;
  @ApiProperty({ enum: COURSE_STATUSES }) status!: string;
  @ApiProperty({ type: ProtocolRefDto }) protocol!: ProtocolRefDto;
  @ApiProperty(nullable({ ...INSTANT, description: 'The visit repeat rules measure from (boosters)' })) anchorAt!: string | null;
  @ApiProperty(INSTANT) createdAt!: string;
}

export class CourseWithAppointmentsDto extends CourseDto {
  @ApiProperty({ type: [AppointmentDto], maxItems: 100, description: 'In sequence' }) appointments!: AppointmentDto[];
}

export class SeriesBookingDto {
  @ApiProperty(UUID) bookingId!: string;
  @ApiProperty({ enum: ['booked', 'held'] }) status!: string;
  @ApiPropertyOptional({ ...INSTANT, description: 'Only while held' }) holdExpiresAt?: string;
  @ApiProperty({ type: [AppointmentDto], maxItems: 100 }) appointments!: AppointmentDto[];
}

export class PlanVisitDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 100 }) sequence!: number;
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty(UUID) chairId!: string;
}

export class PlanDto {
  @ApiProperty({ type: [PlanVisitDto], maxItems: 100 }) visits!: PlanVisitDto[];
  @ApiProperty({ type: 'number', format: 'double', minimum: 0, description: 'Lower is better' }) score!: number;
}

export class PlansDto {
  @ApiProperty({ type: [PlanDto], maxItems: 20, description: 'Best first' }) plans!: PlanDto[];
}

export class WindowDto {
  @ApiProperty(INSTANT) earliest!: string;
  @ApiProperty(INSTANT) latest!: string;
}

export class BoosterWindowDto extends WindowDto {
  @ApiProperty(text(100, { example: 'iv-booster' })) protocolKey!: string;
  @ApiProperty({ ...INSTANT, description: 'The window start after a relapse signal, else the aimed-for spacing' }) preferred!: string;
}

export class NextStepsDto {
  @ApiProperty({ type: WindowDto }) followUp!: WindowDto;
  @ApiProperty({ type: BoosterWindowDto }) booster!: BoosterWindowDto;
}

export class ProtocolPhaseDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 520 }) fromWeek!: number;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 520, description: 'Inclusive' }) toWeek!: number;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 7 }) visitsPerWeek!: number;
}

export class RepeatRuleDto {
  @ApiProperty(DAYS) intervalDays!: number;
  @ApiProperty(DAYS) windowMinDays!: number;
  @ApiProperty(DAYS) windowMaxDays!: number;
}

export class ProtocolRulesDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 100 }) visitCount!: number;
  @ApiPropertyOptional() optional?: boolean;
  @ApiPropertyOptional(DAYS) minGapDays?: number;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 7 }) maxPerIsoWeek?: number;
  @ApiPropertyOptional(DAYS) maxSpanDays?: number;
  @ApiPropertyOptional({ type: [ProtocolPhaseDto], maxItems: 20 }) phases?: ProtocolPhaseDto[];
  @ApiPropertyOptional({ type: RepeatRuleDto }) repeat?: RepeatRuleDto;
}

export class ProtocolDto {
  @ApiProperty(text(100, { example: 'iv-induction' })) key!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 100000 }) version!: number;
  @ApiProperty(text(200)) name!: string;
  @ApiProperty(text(100, { example: 'iv-infusion' })) visitKind!: string;
  @ApiProperty({ type: ProtocolRulesDto }) rules!: ProtocolRulesDto;
}
