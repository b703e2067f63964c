import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { DomainError } from '@chairtime/domain';
import { AuditRead, CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { IdempotencyService, requestHash } from '@chairtime/courses';
import { AppointmentService } from '@chairtime/scheduling';
import {
  AlternativesQueryDto,
  CancelAppointmentDto,
  CreateAppointmentDto,
  ListAppointmentsQueryDto,
  RescheduleDto,
} from './appointment.dto';
import { AlternativesDto, AppointmentDto, AppointmentPage } from './scheduling-response.dto';
import { ApiProblems } from '../http/problem.dto';

const KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

/** Single visits (API.md "Appointments"). Scope: staff of the visit's clinic, or its own patient; else 404. */
@ApiTags('appointments')
@Controller('v1/appointments')
export class AppointmentsController {
  constructor(
    private readonly appointments: AppointmentService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @Roles(Role.Scheduler, Role.Patient)
  @ApiCreatedResponse({ type: AppointmentDto, description: 'The appointment' })
  @ApiBadRequestResponse({ description: 'Start off the grid, in a DST gap or in the past; unknown kind' })
  @ApiNotFoundResponse({ description: 'Unknown clinic, patient or chair (or another tenant’s)' })
  @ApiConflictResponse({ description: 'conflicts: [{startsAt, reason}]' })
  @ApiUnprocessableEntityResponse({
    description:
      'A treatment visit breaks a gate of a course (`reason`: `screening-not-approved`, `contraindication`, `rems-site`, `rems-patient`, `rest-day`), the chair lacks the capability, or the Idempotency-Key was used with another body',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', maxLength: 200, pattern: '^[A-Za-z0-9_.:-]{1,200}$' },
    description: 'Same key and body replays the first response; a different body is 422',
  })
  @ApiOperation({ summary: 'Book a single visit' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Body() dto: CreateAppointmentDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    if (key !== undefined && !KEY.test(key)) {
      throw new DomainError('validation', 'Idempotency-Key must be 1–200 characters [A-Za-z0-9_.:-]', { path: 'Idempotency-Key' });
    }
    const idem = key === undefined ? undefined : { store: this.idempotency, key, hash: requestHash('POST /v1/appointments', dto) };
    const out = await this.appointments.create({ principal, requestId }, dto, idem);
    res.status(out.status);
    return out.body;
  }

  @Get()
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @AuditRead('appointment', null)
  @ApiOkResponse({ type: AppointmentPage, description: '{items: [appointment], nextCursor}, by start' })
  @ApiOperation({ summary: 'List visits by start' })
  @ApiProblems([404, 'Unknown clinic or patient in the filter (or outside scope)'])
  list(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Query() q: ListAppointmentsQueryDto) {
    return this.appointments.list({ principal, requestId }, { ...q, limit: q.limit ?? 50 });
  }

  @Get(':id')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @AuditRead('appointment', 'id')
  @ApiOkResponse({ type: AppointmentDto, description: 'The appointment' })
  @ApiNotFoundResponse()
  @ApiOperation({ summary: 'Read a visit' })
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('id', ParseUUIDPipe) id: string) {
    return this.appointments.get({ principal, requestId }, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Clinician, Role.Patient)
  @ApiOkResponse({ type: AppointmentDto, description: 'The cancelled appointment' })
  @ApiConflictResponse({ description: 'Not cancellable from its status (currentStatus)' })
  @ApiUnprocessableEntityResponse({ description: 'A patient inside the notice period' })
  @ApiOperation({ summary: 'Cancel a visit' })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CancelAppointmentDto,
  ) {
    return this.appointments.cancel({ principal, requestId }, id, dto.reason);
  }

  @Post(':id/no-show')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: AppointmentDto, description: 'The appointment, status no-show' })
  @ApiConflictResponse({ description: 'Not booked, or its start has not passed (currentStatus)' })
  @ApiOperation({ summary: 'Mark a visit a no-show' })
  noShow(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('id', ParseUUIDPipe) id: string) {
    return this.appointments.noShow({ principal, requestId }, id);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Patient)
  @ApiOkResponse({ type: AppointmentDto, description: 'The moved appointment (same id, new times)' })
  @ApiConflictResponse({ description: 'conflicts, or not movable from its status (currentStatus)' })
  @ApiUnprocessableEntityResponse({
    description:
      "Breaks the course protocol (`violations`), the rest day from the patient's other visits (`rest-day`), Spravato REMS (`rems-site`, `rems-patient`), or a patient inside the notice period",
  })
  @ApiOperation({ summary: 'Move a visit' })
  reschedule(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RescheduleDto,
  ) {
    return this.appointments.reschedule({ principal, requestId }, id, dto);
  }

  @Get(':id/alternatives')
  @Roles(Role.Scheduler, Role.Patient)
  @AuditRead('appointment', 'id')
  @ApiOkResponse({
    type: AlternativesDto,
    description: '{alternatives: [{startsAt, endsAt, chairReleasedAt, chairIds}]}, nearest first within ±14 days',
  })
  @ApiOperation({ summary: 'Other bookable times for a visit' })
  alternatives(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: AlternativesQueryDto,
  ) {
    return this.appointments.alternatives({ principal, requestId }, id, q.limit ?? 5);
  }
}
