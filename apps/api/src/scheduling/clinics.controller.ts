import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ForceQueryDto, HoursChangeDto } from './setup.dto';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { ChairAdminService, ClinicAdminService } from '@chairtime/scheduling';
import { CreateChairDto, CreateClinicDto, PageQueryDto, ReplaceHoursDto, UpdateClinicDto } from './clinic.dto';
import { ChairDto, ChairPage, ClinicDto, HoursDto } from './scheduling-response.dto';
import { ApiProblems } from '../http/problem.dto';

const DEFAULT_LIMIT = 50;

/**
 * Clinic set-up. Access (documented in OpenAPI): admins create clinics and change their settings;
 * schedulers (and admins) manage hours and chairs of their clinics (closures and shifts:
 * {@link ClinicSetupController}); nurses and clinicians of the clinic read. Another tenant's clinic is 404. Every change is audited.
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
  @ApiOperation({
    summary: 'Change name, zone or settings (admin); settings are merged over the current ones',
    description:
      'Changing the time zone while live visits are still ahead is a 409 whose `conflicts` name them (the first 100; the count is ' +
      'in `detail`): their local dates and wall times would move under the clinic’s rules.',
  })
  @ApiOkResponse({ type: ClinicDto, description: '{id, name, timezone, settings}' })
  @ApiConflictResponse({ description: 'Time zone change with future visits booked' })
  @ApiBadRequestResponse({ description: 'Invalid time zone or settings; errors name each field (e.g. settings.minimumLeadMinutes)' })
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
  @ApiOperation({
    summary: 'Replace the weekly opening intervals',
    description:
      'Hours that close time the old ones opened re-check every future visit: those now outside the hours are a 409 naming ' +
      'them in `conflicts`, unless `?force=true` (they are then flagged and tasked `needs-rebooking`, listed in `displaced`).',
  })
  @ApiOkResponse({ type: HoursChangeDto })
  @ApiBadRequestResponse({ description: 'closes ≤ opens, overlapping intervals on a weekday, weekday outside 1–7' })
  @ApiConflictResponse({ description: 'Booked visits would fall outside the new hours' })
  @ApiNotFoundResponse()
  replaceHours(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: ReplaceHoursDto,
    @Query() q: ForceQueryDto,
  ) {
    return this.clinics.replaceHours({ principal, requestId }, clinicId, dto.weekly, q.force === 'true');
  }

  @Get(':clinicId/hours')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: HoursDto, description: '{weekly: [{weekday, opens, closes}]}' })
  @ApiOperation({ summary: 'Read the weekly opening intervals' })
  hours(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string) {
    return this.clinics.getHours(p, clinicId);
  }

  @Post(':clinicId/chairs')
  @Roles(Role.Scheduler)
  @ApiCreatedResponse({ type: ChairDto, description: '{id, clinicId, name, capabilities, active}' })
  @ApiOperation({ summary: 'Add a chair' })
  @ApiProblems(409)
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
  @ApiOkResponse({ type: ChairPage, description: '{items: [{id, name, capabilities, active}], nextCursor}' })
  @ApiOperation({ summary: 'List chairs' })
  chairs(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() q: PageQueryDto) {
    return this.chairAdmin.listChairs(p, clinicId, q.limit ?? DEFAULT_LIMIT, q.cursor);
  }
}
