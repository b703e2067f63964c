import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClinicDto } from './clinic-view.dto';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { ChairAdminService, ClinicAdminService } from '@chairtime/scheduling';
import {
  CreateChairDto,
  CreateClinicDto,
  CreateClosureDto,
  CreateShiftDto,
  PageQueryDto,
  ListShiftsQueryDto,
  ReplaceHoursDto,
  UpdateClinicDto,
} from './clinic.dto';

const DEFAULT_LIMIT = 50;

/**
 * Clinic set-up. Access (documented in OpenAPI): admins create clinics and change their settings;
 * schedulers (and admins) manage hours, closures, chairs and shifts of their clinics; nurses and
 * clinicians of the clinic read. Another tenant's clinic is 404. Every change is audited.
 */
@ApiTags('clinics')
@Controller('v1/clinics')
export class ClinicsController {
  constructor(
    private readonly clinics: ClinicAdminService,
    private readonly chairAdmin: ChairAdminService,
  ) {}

  @Post()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Create a clinic (admin)' })
  @ApiCreatedResponse({ type: ClinicDto, description: '{id, name, timezone, settings}' })
  @ApiBadRequestResponse({ description: 'Invalid time zone or settings; errors name each field' })
  create(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Body() dto: CreateClinicDto) {
    return this.clinics.create({ principal, requestId }, dto);
  }

  @Get(':clinicId')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOperation({ summary: 'Read a clinic (its staff, admin)' })
  @ApiOkResponse({ type: ClinicDto, description: '{id, name, timezone, settings}' })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string) {
    return this.clinics.get(p, clinicId);
  }

  @Patch(':clinicId')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Change name, zone or settings (admin); settings are merged over the current ones' })
  @ApiOkResponse({ type: ClinicDto, description: '{id, name, timezone, settings}' })
  @ApiBadRequestResponse({ description: 'Invalid time zone or settings; errors name each field (e.g. settings.minimumLeadMinutes)' })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: UpdateClinicDto,
  ) {
    return this.clinics.update({ principal, requestId }, clinicId, dto);
  }

  @Put(':clinicId/hours')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Replace the weekly opening intervals' })
  @ApiOkResponse({ description: '{weekly: [{weekday, opens, closes}]}' })
  @ApiBadRequestResponse({ description: 'closes ≤ opens, overlapping intervals on a weekday, weekday outside 1–7' })
  replaceHours(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: ReplaceHoursDto,
  ) {
    return this.clinics.replaceHours({ principal, requestId }, clinicId, dto.weekly);
  }

  @Get(':clinicId/hours')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ description: '{weekly: [{weekday, opens, closes}]}' })
  hours(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string) {
    return this.clinics.getHours(p, clinicId);
  }

  @Post(':clinicId/closures')
  @Roles(Role.Scheduler)
  @ApiCreatedResponse({ description: '{id, clinicId, startDate, endDate, reason}' })
  addClosure(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: CreateClosureDto,
  ) {
    return this.clinics.addClosure({ principal, requestId }, clinicId, dto);
  }

  @Get(':clinicId/closures')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ description: '{items: [...], nextCursor}' })
  closures(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() q: PageQueryDto) {
    return this.clinics.listClosures(p, clinicId, q.limit ?? DEFAULT_LIMIT, q.cursor);
  }

  @Post(':clinicId/chairs')
  @Roles(Role.Scheduler)
  @ApiCreatedResponse({ description: '{id, clinicId, name, capabilities, active}' })
  addChair(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: CreateChairDto,
  ) {
    return this.chairAdmin.addChair({ principal, requestId }, clinicId, dto);
  }

  @Get(':clinicId/chairs')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ description: '{items: [{id, name, capabilities, active}], nextCursor}' })
  chairs(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() q: PageQueryDto) {
    return this.chairAdmin.listChairs(p, clinicId, q.limit ?? DEFAULT_LIMIT, q.cursor);
  }

  @Post(':clinicId/shifts')
  @Roles(Role.Scheduler)
  @ApiCreatedResponse({ description: '{id, clinicId, role, startsAt, endsAt, name}' })
  addShift(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: CreateShiftDto,
  ) {
    return this.clinics.addShift({ principal, requestId }, clinicId, dto);
  }

  @Get(':clinicId/shifts')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({
    description: '{items: [{id, clinicId, role, startsAt, endsAt, name}], nextCursor}; from/to keep shifts overlapping those local dates',
  })
  @ApiBadRequestResponse({ description: 'Bad dates, to before from, unknown role' })
  shifts(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() q: ListShiftsQueryDto) {
    return this.clinics.listShifts(p, clinicId, { ...q, limit: q.limit ?? DEFAULT_LIMIT });
  }
}
