import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { localOrInstantMessage, START_PATTERN } from '@chairtime/domain';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `?force=true`: go ahead with a set-up change over booked visits, marking them `needs-rebooking`. */
export class ForceQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'Without it, a change that leaves booked visits without capacity is a 409 naming them. With `true` the change commits and ' +
      'each such visit gets the `needs-rebooking` flag (shown on the board) and a `needs-rebooking` task, in the same transaction.',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'force must be true or false' })
  force?: 'true' | 'false';
}

export class UpdateShiftDto {
  @ApiPropertyOptional({ enum: ['nurse', 'clinician'] })
  @IsOptional()
  @IsIn(['nurse', 'clinician'])
  role?: 'nurse' | 'clinician';

  @ApiPropertyOptional({ format: 'date-time', description: 'An instant, or a clinic-local wall time without offset' })
  @IsOptional()
  @Matches(START_PATTERN, { message: localOrInstantMessage('startsAt') })
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'After startsAt, at most 24 h later' })
  @IsOptional()
  @Matches(START_PATTERN, { message: localOrInstantMessage('endsAt') })
  endsAt?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Staff display name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'The staff user on the shift (null: nobody named)' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID('all', { message: 'userId must be a UUID or null' })
  userId?: string | null;
}

export class UpdateClosureDto {
  @ApiPropertyOptional({ example: '2027-12-24' })
  @IsOptional()
  @Matches(DATE, { message: 'startDate must be a date YYYY-MM-DD' })
  startDate?: string;

  @ApiPropertyOptional({ example: '2027-12-26', description: 'Inclusive; ≥ startDate' })
  @IsOptional()
  @Matches(DATE, { message: 'endDate must be a date YYYY-MM-DD' })
  endDate?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}

export class UpdateBlockDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'An instant, or a clinic-local wall time without offset' })
  @IsOptional()
  @Matches(START_PATTERN, { message: localOrInstantMessage('startsAt') })
  startsAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'An instant, or a clinic-local wall time without offset' })
  @IsOptional()
  @Matches(START_PATTERN, { message: localOrInstantMessage('endsAt') })
  endsAt?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}

/** A booked visit a set-up change leaves without capacity (in a 409's `conflicts`, or `displaced` after `force`). */
export class SetupConflictDto {
  @ApiProperty({ format: 'uuid' })
  appointmentId!: string;

  @ApiProperty({ format: 'date-time' })
  startsAt!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  chairId!: string | null;

  @ApiProperty({ example: 'iv-infusion' })
  kind!: string;

  @ApiProperty({
    example: 'nurse-capacity',
    description:
      'The rule the visit now breaks: closed, outside-hours, chair-blocked, chair-busy, nurse-capacity, stagger, no-clinician, ' +
      'no-capable-chair, chair-inactive, capability-removed (timezone-change for a refused zone change)',
  })
  reason!: string;
}

export class ShiftDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clinicId!: string;
  @ApiProperty({ enum: ['nurse', 'clinician'] }) role!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) userId!: string | null;
}

export class ShiftChangeDto extends ShiftDto {
  @ApiProperty({ type: [SetupConflictDto], description: 'Visits marked needs-rebooking (force=true); empty otherwise' })
  displaced!: SetupConflictDto[];
}

export class ShiftPageDto {
  @ApiProperty({ type: [ShiftDto] }) items!: ShiftDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ClosureDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clinicId!: string;
  @ApiProperty({ example: '2027-12-24' }) startDate!: string;
  @ApiProperty({ example: '2027-12-26' }) endDate!: string;
  @ApiProperty() reason!: string;
}

export class ClosureChangeDto extends ClosureDto {
  @ApiProperty({ type: [SetupConflictDto], description: 'Visits marked needs-rebooking (force=true); empty otherwise' })
  displaced!: SetupConflictDto[];
}

export class ClosurePageDto {
  @ApiProperty({ type: [ClosureDto] }) items!: ClosureDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class BlockDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) chairId!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty() reason!: string;
}

export class BlockChangeDto extends BlockDto {
  @ApiProperty({ type: [SetupConflictDto], description: 'Visits marked needs-rebooking (force=true); empty otherwise' })
  displaced!: SetupConflictDto[];
}

export class BlockPageDto {
  @ApiProperty({ type: [BlockDto] }) items!: BlockDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class DeletedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class DeletedShiftDto extends DeletedDto {
  @ApiProperty({ type: [SetupConflictDto], description: 'Visits marked needs-rebooking (force=true); empty otherwise' })
  displaced!: SetupConflictDto[];
}

export class WeeklyIntervalViewDto {
  @ApiProperty({ minimum: 1, maximum: 7 }) weekday!: number;
  @ApiProperty({ example: '08:00' }) opens!: string;
  @ApiProperty({ example: '18:00' }) closes!: string;
}

export class HoursChangeDto {
  @ApiProperty({ type: [WeeklyIntervalViewDto] }) weekly!: WeeklyIntervalViewDto[];
  @ApiProperty({ type: [SetupConflictDto], description: 'Visits marked needs-rebooking (force=true); empty otherwise' })
  displaced!: SetupConflictDto[];
}

export class ChairChangeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) clinicId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String] }) capabilities!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: [SetupConflictDto], description: 'Visits marked needs-rebooking (force=true); empty otherwise' })
  displaced!: SetupConflictDto[];
}
