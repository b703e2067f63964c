import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '../http/page-query.dto';
import { localOrInstantMessage, START_PATTERN } from '@chairtime/domain';

/** `POST /v1/clinics/:clinicId/waitlist`: wait for sooner chair time for a booked course. */
export class JoinWaitlistDto {
  @ApiProperty({ maxLength: 36, format: 'uuid' })
  @IsUUID()
  courseId!: string;

  @ApiProperty({
    pattern: START_PATTERN.source,
    maxLength: 40,
    description: 'Earliest start the patient can take (an instant, or a clinic-local wall time); not in the past',
    example: '2027-03-02T13:00:00Z',
  })
  @Matches(START_PATTERN, { message: localOrInstantMessage('earliest') })
  earliest!: string;

  @ApiProperty({
    pattern: START_PATTERN.source,
    maxLength: 40,
    description: 'Latest start (an instant, or a clinic-local wall time); after earliest, at most 92 days later',
    example: '2027-03-20T22:00:00Z',
  })
  @Matches(START_PATTERN, { message: localOrInstantMessage('latest') })
  latest!: string;
}

/** `limit`, `cursor` and an optional status filter (default: entries still in line). */
export class WaitlistPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['waiting', 'offered', 'fulfilled', 'withdrawn'] })
  @IsOptional()
  @IsIn(['waiting', 'offered', 'fulfilled', 'withdrawn'])
  status?: 'waiting' | 'offered' | 'fulfilled' | 'withdrawn';
}
