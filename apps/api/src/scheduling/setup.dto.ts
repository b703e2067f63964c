import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { localOrInstantMessage, START_PATTERN } from '@chairtime/domain';
import { arrayOf, DATE as DAY, INSTANT, nullable, text, UUID, WALL_TIME } from '../http/page.dto';

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

  @ApiPropertyOptional({
    pattern: START_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'An instant, or a clinic-local wall time without offset',
  })
  @IsOptional()
  @Matches(START_PATTERN, { message: localOrInstantMessage('startsAt') })
  startsAt?: string;

  @ApiPropertyOptional({
    pattern: START_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'After startsAt, at most 24 h later',
  })
  @IsOptional()
  @Matches(START_PATTERN, { message: localOrInstantMessage('endsAt') })
  endsAt?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Staff display name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true, description: 'The staff user on the shift (null: nobody named)' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUUID('all', { message: 'userId must be a UUID or null' })
  userId?: string | null;
}

export class UpdateClosureDto {
  @ApiPropertyOptional({ pattern: DATE.source, maxLength: 10, example: '2027-12-24' })
  @IsOptional()
  @Matches(DATE, { message: 'startDate must be a date YYYY-MM-DD' })
  startDate?: string;

  @ApiPropertyOptional({ pattern: DATE.source, maxLength: 10, example: '2027-12-26', description: 'Inclusive; ≥ startDate' })
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
  @ApiPropertyOptional({
    pattern: START_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'An instant, or a clinic-local wall time without offset',
  })
  @IsOptional()
  @Matches(START_PATTERN, { message: localOrInstantMessage('startsAt') })
  startsAt?: string;

  @ApiPropertyOptional({
    pattern: START_PATTERN.source,
    maxLength: 40,
    format: 'date-time',
    description: 'An instant, or a clinic-local wall time without offset',
  })
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
  @ApiProperty(UUID)
  appointmentId!: string;

  @ApiProperty(INSTANT)
  startsAt!: string;

  @ApiProperty(nullable(UUID))
  chairId!: string | null;

  @ApiProperty(text(100, { example: 'iv-infusion' }))
  kind!: string;

  @ApiProperty(
    text(50, {
      example: 'nurse-capacity',
      description:
        'The rule the visit now breaks: closed, outside-hours, chair-blocked, chair-busy, nurse-capacity, stagger, no-clinician, ' +
        'no-capable-chair, chair-inactive, capability-removed (timezone-change for a refused zone change)',
    }),
  )
  reason!: string;
}

/** Bounded like a 409's `conflicts` (ProblemDto): one change displaces at most what one clinic has booked. */
const DISPLACED: ApiPropertyOptions = {
  type: [SetupConflictDto],
  maxItems: 1000,
  description: 'Visits marked needs-rebooking (force=true); empty otherwise',
};
/** The page bounds of PageOf (page.dto.ts): `limit` is at most 200, the cursor an opaque token. */
const CURSOR = nullable(text(500, { description: 'Pass as `cursor` for the next page; null on the last' }));

export class ShiftDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty({ enum: ['nurse', 'clinician'] }) role!: string;
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty(nullable(text(200))) name!: string | null;
  @ApiProperty(nullable(UUID)) userId!: string | null;
}

export class ShiftChangeDto extends ShiftDto {
  @ApiProperty(DISPLACED)
  displaced!: SetupConflictDto[];
}

export class ShiftPageDto {
  @ApiProperty({ type: [ShiftDto], maxItems: 200 }) items!: ShiftDto[];
  @ApiProperty(CURSOR) nextCursor!: string | null;
}

export class ClosureDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty({ ...DAY, example: '2027-12-24' }) startDate!: string;
  @ApiProperty({ ...DAY, example: '2027-12-26', description: 'Inclusive' }) endDate!: string;
  @ApiProperty(text(500)) reason!: string;
}

export class ClosureChangeDto extends ClosureDto {
  @ApiProperty(DISPLACED)
  displaced!: SetupConflictDto[];
}

export class ClosurePageDto {
  @ApiProperty({ type: [ClosureDto], maxItems: 200 }) items!: ClosureDto[];
  @ApiProperty(CURSOR) nextCursor!: string | null;
}

export class BlockDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) chairId!: string;
  @ApiProperty(INSTANT) startsAt!: string;
  @ApiProperty(INSTANT) endsAt!: string;
  @ApiProperty(text(500)) reason!: string;
}

export class BlockChangeDto extends BlockDto {
  @ApiProperty(DISPLACED)
  displaced!: SetupConflictDto[];
}

export class BlockPageDto {
  @ApiProperty({ type: [BlockDto], maxItems: 200 }) items!: BlockDto[];
  @ApiProperty(CURSOR) nextCursor!: string | null;
}

export class DeletedDto {
  @ApiProperty(UUID) id!: string;
}

export class DeletedShiftDto extends DeletedDto {
  @ApiProperty(DISPLACED)
  displaced!: SetupConflictDto[];
}

export class WeeklyIntervalViewDto {
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' }) weekday!: number;
  @ApiProperty(WALL_TIME) opens!: string;
  @ApiProperty({ ...WALL_TIME, example: '18:00' }) closes!: string;
}

export class HoursChangeDto {
  @ApiProperty({ type: [WeeklyIntervalViewDto], maxItems: 100 }) weekly!: WeeklyIntervalViewDto[];
  @ApiProperty(DISPLACED)
  displaced!: SetupConflictDto[];
}

export class ChairChangeDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty(text(100)) name!: string;
  @ApiProperty(arrayOf(text(100, { example: 'iv-infusion' }), 20)) capabilities!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty(DISPLACED)
  displaced!: SetupConflictDto[];
}
