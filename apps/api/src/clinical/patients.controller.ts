import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { AssessmentService, PatientService, ScreeningService } from '@chairtime/clinical';
import { AssessmentDto, AssessmentQueryDto, CreatePatientDto, RemsEnrollmentDto, ScreeningDto, UpdatePatientDto } from './clinical.dto';

const STAFF = [Role.Scheduler, Role.Nurse, Role.Clinician] as const;

/** Patients, their screenings and assessments. Scope (404 outside) and audit rows are the services'. */
@ApiTags('patients')
@Controller('v1/patients')
export class PatientsController {
  constructor(
    private readonly patients: PatientService,
    private readonly screenings: ScreeningService,
    private readonly assessments: AssessmentService,
  ) {}

  @Post()
  @Roles(...STAFF)
  @ApiCreatedResponse({ description: "The patient. `clinicId` is required for admins and defaults to a staff member's only clinic." })
  create(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Body() dto: CreatePatientDto) {
    return this.patients.create({ principal, requestId }, dto);
  }

  @Get(':id')
  @Roles(...STAFF, Role.Patient)
  @ApiOkResponse({ description: 'The patient' })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('id', ParseUUIDPipe) id: string) {
    return this.patients.get({ principal, requestId }, id);
  }

  @Patch(':id')
  @Roles(...STAFF, Role.Patient)
  @ApiOkResponse({ description: 'The updated patient; a patient may change only contact details and consent' })
  update(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdatePatientDto,
  ) {
    return this.patients.update({ principal, requestId }, id, dto);
  }

  @Put(':id/rems-enrollment')
  @Roles(...STAFF)
  @ApiOkResponse({ description: 'The patient with `remsEnrollment`' })
  rems(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RemsEnrollmentDto,
  ) {
    return this.patients.setRemsEnrollment({ principal, requestId }, id, dto);
  }

  @Post(':id/screenings')
  @Roles(...STAFF)
  @ApiCreatedResponse({ description: '{id, status: "pending-review" | "ineligible", contraindications, indications, relativeFlags}' })
  screen(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ScreeningDto,
  ) {
    return this.screenings.create({ principal, requestId }, id, dto);
  }

  @Post(':id/assessments')
  @Roles(...STAFF, Role.Patient)
  @ApiCreatedResponse({ description: '{score, severity, item9Positive?, changeFromBaseline, response, remission, relapseSignal}' })
  assess(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AssessmentDto,
  ) {
    return this.assessments.submit({ principal, requestId }, id, dto);
  }

  @Get(':id/assessments')
  @Roles(...STAFF, Role.Patient)
  @ApiOkResponse({ description: "Assessments newest first; the next page's cursor is in the `X-Next-Cursor` header" })
  async listAssessments(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: AssessmentQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const page = await this.assessments.list({ principal, requestId }, id, q);
    if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
    return page.items;
  }
}
