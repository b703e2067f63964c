import { Body, Controller, Delete, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { DomainError } from '@chairtime/domain';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { CourseBookingService } from '@chairtime/courses';
import { BookSeriesDto } from './course.dto';
import { SeriesBookingDto } from './courses-response.dto';
import { ApiProblems } from '../http/problem.dto';

const KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

/** Atomic series bookings of a course, holds, and their confirmation or release. */
@ApiTags('courses')
@Controller('v1/courses/:courseId/bookings')
export class CourseBookingsController {
  constructor(private readonly bookings: CourseBookingService) {}

  @Post()
  @Roles(Role.Scheduler, Role.Patient)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', maxLength: 200, pattern: '^[A-Za-z0-9_.:-]{1,200}$' },
    description: 'Same key and body replays the first response; a different body is 422',
  })
  @ApiCreatedResponse({ type: SeriesBookingDto, description: '{bookingId, status: "booked" | "held", holdExpiresAt?, appointments}' })
  @ApiConflictResponse({ description: 'conflicts: [{sequence, startsAt, reason}]' })
  @ApiUnprocessableEntityResponse({
    description:
      "violations: [{code, sequence}], REMS (`rems-site`, `rems-patient`), the rest day from the patient's other visits (`rest-day`), or idempotency-mismatch",
  })
  @ApiOperation({ summary: "Book (or hold) a course's series" })
  async book(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('courseId', ParseUUIDPipe) courseId: string,
    @Body() dto: BookSeriesDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    if (key !== undefined && !KEY.test(key)) {
      throw new DomainError('validation', 'Idempotency-Key must be 1–200 characters [A-Za-z0-9_.:-]', { path: 'Idempotency-Key' });
    }
    const out = await this.bookings.book({ principal, requestId }, courseId, dto, key ?? null);
    res.status(out.status);
    return out.body;
  }

  @Post(':bookingId/confirm')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Patient)
  @ApiOkResponse({ type: SeriesBookingDto, description: 'The hold is now a booking' })
  @ApiConflictResponse({ description: 'The hold expired or was released' })
  @ApiOperation({ summary: 'Confirm a held series' })
  @ApiProblems([409, 'Not a held booking (`currentStatus`)'])
  confirm(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('courseId', ParseUUIDPipe) courseId: string,
    @Param('bookingId', ParseUUIDPipe) bookingId: string,
  ) {
    return this.bookings.confirm({ principal, requestId }, courseId, bookingId);
  }

  @Delete(':bookingId')
  @HttpCode(204)
  @Roles(Role.Scheduler, Role.Patient)
  @ApiNoContentResponse({ description: 'The hold is released and its chairs are free' })
  @ApiOperation({ summary: 'Release a held series' })
  @ApiProblems([409, 'Not a held booking (`currentStatus`)'])
  async release(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('courseId', ParseUUIDPipe) courseId: string,
    @Param('bookingId', ParseUUIDPipe) bookingId: string,
  ): Promise<void> {
    await this.bookings.release({ principal, requestId }, courseId, bookingId);
  }
}
