import { PageQueryDto } from '../http/page-query.dto';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { FEELING_MAX, REPORTABLE_SIDE_EFFECTS } from '@chairtime/domain';

/**
 * The answer of a one-tap action. Which fields a link takes depends on its purpose (a ride link
 * the driver, a check-in link its form as `GET` describes it); the service refuses the others.
 */
export class ActionAnswerFieldsDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'confirm-ride' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  driverName?: string;

  @ApiPropertyOptional({ maxLength: 40, description: 'confirm-ride' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  driverPhone?: string;

  @ApiPropertyOptional({ type: [Number], minItems: 9, maxItems: 9, description: 'phq9-check-in: the nine PHQ-9 answers, 0–3 each' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(9)
  @ArrayMaxSize(9)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(3, { each: true })
  phq9?: number[];

  @ApiPropertyOptional({ minimum: 0, maximum: FEELING_MAX, description: 'wellbeing check-ins: 0 very bad – 10 very well' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(FEELING_MAX)
  feeling?: number;

  @ApiPropertyOptional({
    maxItems: REPORTABLE_SIDE_EFFECTS.length,
    enum: REPORTABLE_SIDE_EFFECTS,
    isArray: true,
    description: 'wellbeing check-ins',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(REPORTABLE_SIDE_EFFECTS.length)
  @IsIn(REPORTABLE_SIDE_EFFECTS, { each: true })
  sideEffects?: string[];

  @ApiPropertyOptional({ description: 'wellbeing check-ins (required there): true raises the safety escalation' })
  @IsOptional()
  @IsBoolean()
  suicidalThoughts?: boolean;
}

/** `POST /v1/actions/:token {answer}`. */
export class ActionAnswerDto {
  @ApiPropertyOptional({ type: ActionAnswerFieldsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ActionAnswerFieldsDto)
  answer?: ActionAnswerFieldsDto;
}

/** `limit` (≤ 200) and `cursor` of a message list. */
export class MessagePageQueryDto extends PageQueryDto {}
