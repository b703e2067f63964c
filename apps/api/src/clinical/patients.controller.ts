import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { AssessmentService, PatientService, ScreeningService } from '@chairtime/clinical';
import { AssessmentDto, AssessmentQueryDto, CreatePatientDto, RemsEnrollmentDto, ScreeningDto, UpdatePatientDto } from './clinical.dto';
import { AssessmentViewDto, PatientDto, ScreeningViewDto } from './clinical-response.dto';
import { ApiProblems } from '../http/problem.dto';

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
  @ApiCreatedResponse({
    type: PatientDto,
    description: "The patient. `clinicId` is required for admins and defaults to a staff member's only clinic.",
  })
  @ApiOperation({ summary: 'Register a patient' })
  @ApiProblems([404, 'Unknown clinic (or another tenant’s)'])
  create(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Body() dto: CreatePatientDto) {
    return this.patients.create({ principal, requestId }, dto);
  }

  @Get(':id')
  @Roles(...STAFF, Role.Patient)
  @ApiOkResponse({ type: PatientDto, description: 'The patient' })
  @ApiNotFoundResponse()
  @ApiOperation({ summary: 'Read a patient' })
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('id', ParseUUIDPipe) id: string) {
    return this.patients.get({ principal, requestId }, id);
  }

  @Patch(':id')
  @Roles(...STAFF, Role.Patient)
  @ApiOkResponse({ type: PatientDto, description: 'The updated patient; a patient may change only contact details and consent' })
  @ApiOperation({ summary: "Change a patient's details or consent" })
  @ApiProblems([403, 'A patient may change only contact details and consent (`errors` names each refused field)'])
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
  @ApiOkResponse({ type: PatientDto, description: 'The patient with `remsEnrollment`' })
  @ApiOperation({ summary: 'Record the Spravato REMS enrollment' })
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
  @ApiCreatedResponse({
    type: ScreeningViewDto,
    description: '{id, status: "pending-review" | "ineligible", contraindications, indications, relativeFlags}',
  })
  @ApiOperation({ summary: 'Screen a patient for ketamine treatment' })
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
  @ApiCreatedResponse({
    type: AssessmentViewDto,
    description: '{score, severity, item9Positive?, changeFromBaseline, response, remission, relapseSignal}',
  })
  @ApiOperation({ summary: 'Submit a PHQ-9 or GAD-7' })
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
  @ApiExtraModels(AssessmentViewDto)
  @ApiOkResponse({
    description: "Assessments newest first; the next page's cursor is in the `X-Next-Cursor` header",
    schema: { type: 'array', maxItems: 200, items: { $ref: getSchemaPath(AssessmentViewDto) } },
    headers: {
      'X-Next-Cursor': {
        description: 'Pass as `cursor` for the next page; absent on the last',
        schema: { type: 'string', maxLength: 500 },
      },
    },
  })
  @ApiOperation({ summary: 'List assessments, newest first' })
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
