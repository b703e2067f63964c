import { PageQueryDto } from '../http/page-query.dto';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

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

/** `limit` (≤ 200) and `cursor` of a message list. */
export class MessagePageQueryDto extends PageQueryDto {}
