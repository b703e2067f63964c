import { Controller, Get, Header, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditRead, CurrentPrincipal, Principal, Role, Roles } from '@chairtime/identity';
import { ClinicCapacityService } from '@chairtime/scheduling';
import { AvailabilityQueryDto, BoardQueryDto, CapacityQueryDto } from './clinic.dto';
import { AvailabilityDto, BoardDto, CapacityForecastDto } from './scheduling-response.dto';

/** Read models over a clinic's capacity. Another tenant's clinic is 404. */
@ApiTags('clinics')
@Controller('v1/clinics/:clinicId')
export class ClinicCapacityController {
  constructor(private readonly capacity: ClinicCapacityService) {}

  @Get('availability')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  // The service answers with the serialized body (it caches bytes, not objects).
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOkResponse({
    type: AvailabilityDto,
    description:
      '{slots: [{startsAt, endsAt, chairReleasedAt, chairIds}]}; patients of the clinic may call it. Answers are cached per process ' +
      'and stamped with the clinic capacity version that every committed change bumps, so a cached answer never offers a taken slot. ' +
      'The answer carries an `ETag` (the same for the same slots, whichever API process answers).',
  })
  @ApiResponse({ status: 304, description: '`If-None-Match` names the current ETag: the slots are unchanged (no body)' })
  @ApiBadRequestResponse({ description: 'Bad dates, unknown kind, or a range over 92 days (names `to`)' })
  @ApiNotFoundResponse()
  @ApiOperation({ summary: 'Bookable start times of a visit kind' })
  async availability(
    @CurrentPrincipal() p: Principal,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Query() q: AvailabilityQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const answer = await this.capacity.availability(p, clinicId, q);
    // The tag is computed once per cached answer; with it set, Express neither hashes the body
    // again nor sends it to a client whose If-None-Match names it (304).
    res.setHeader('ETag', answer.etag);
    res.send(answer.body);
  }

  @Get('board')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @AuditRead('clinic-board', 'clinicId')
  @ApiOkResponse({
    type: BoardDto,
    description:
      "{date, chairs: [{chairId, name, appointments}], consults, utilization}; each visit with its patient's display name (`patientName`)",
  })
  @ApiOperation({ summary: 'The day board: every chair and its visits' })
  board(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() q: BoardQueryDto) {
    return this.capacity.board(p, clinicId, q.date);
  }

  @Get('capacity')
  @Roles(Role.Scheduler, Role.Clinician)
  @ApiOkResponse({
    type: CapacityForecastDto,
    description: '{weeks: [{weekStart, openChairHours, bookedChairHours, utilization, newIvInductionCourses}]}',
  })
  @ApiOperation({ summary: 'Weekly chair-hour forecast' })
  forecast(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() q: CapacityQueryDto) {
    return this.capacity.forecast(p, clinicId, q.weeks ?? 4);
  }
}
