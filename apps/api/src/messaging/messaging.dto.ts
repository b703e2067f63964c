import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

/** `limit` (≤ 200) and `cursor` of a message list. */
export class MessagePageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** The answer of a confirm-ride action. */
export class RideAnswerDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  driverName?: string;

  @ApiPropertyOptional({ maxLength: 40 })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  driverPhone?: string;
}

/** `POST /v1/actions/:token {answer}`. */
export class ActionAnswerDto {
  @ApiPropertyOptional({ type: RideAnswerDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RideAnswerDto)
  answer?: RideAnswerDto;
}
