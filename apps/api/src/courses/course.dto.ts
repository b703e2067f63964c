import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { START_MESSAGE, START_PATTERN } from '@chairtime/domain';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WALL = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class CreateCourseDto {
  @ApiProperty({ maxLength: 36, format: 'uuid' })
  @IsUUID()
  patientId!: string;

  @ApiProperty({ maxLength: 36, format: 'uuid' })
  @IsUUID()
  clinicId!: string;

  @ApiProperty({ maxLength: 100, example: 'iv-induction' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  protocolKey!: string;
}

export class CancelCourseDto {
  @ApiProperty({ maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class TimeWindowDto {
  @ApiProperty({ pattern: WALL.source, maxLength: 5, example: '09:00' })
  @Matches(WALL, { message: 'from must be a wall time HH:mm' })
  from!: string;

  @ApiProperty({ pattern: WALL.source, maxLength: 5, example: '12:00' })
  @Matches(WALL, { message: 'to must be a wall time HH:mm' })
  to!: string;
}

export class PlanPreferencesDto {
  @ApiPropertyOptional({ maxItems: 7, type: [Number], description: 'ISO weekdays, 1 = Monday .. 7 = Sunday; at least one' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays?: number[];

  @ApiPropertyOptional({ maxItems: 12, type: [TimeWindowDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @ValidateNested({ each: true })
  @Type(() => TimeWindowDto)
  timeWindows?: TimeWindowDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  sameTimeOfDay?: boolean;
}

export class PlanRequestDto {
  @ApiProperty({ pattern: DATE.source, maxLength: 10, example: '2027-03-02', description: 'Clinic-local date; not in the past' })
  @Matches(DATE, { message: 'earliestStart must be a date YYYY-MM-DD' })
  earliestStart!: string;

  @ApiPropertyOptional({ type: PlanPreferencesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PlanPreferencesDto)
  preferences?: PlanPreferencesDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 20, default: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  limit?: number;
}

export class BookVisitDto {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100)
  sequence!: number;

  @ApiProperty({
    pattern: START_PATTERN.source,
    maxLength: 40,
    example: '2027-03-02T14:00:00.000Z',
    description: 'An instant, or a clinic-local wall time without offset',
  })
  @Matches(START_PATTERN, { message: START_MESSAGE })
  startsAt!: string;

  @ApiPropertyOptional({ maxLength: 36, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  chairId?: string;
}

export class BookSeriesDto {
  @ApiProperty({ maxItems: 100, type: [BookVisitDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => BookVisitDto)
  visits!: BookVisitDto[];

  @ApiPropertyOptional({ description: 'Hold the chairs for the clinic hold time instead of booking' })
  @IsOptional()
  @IsBoolean()
  hold?: boolean;
}
