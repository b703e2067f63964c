import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { ClosureAdminService, ShiftAdminService } from '@chairtime/scheduling';
import { CreateClosureDto, CreateShiftDto, ListShiftsQueryDto, PageQueryDto } from './clinic.dto';
import {
  ClosureChangeDto,
  ClosureDto,
  ClosurePageDto,
  DeletedDto,
  DeletedShiftDto,
  ForceQueryDto,
  ShiftChangeDto,
  ShiftDto,
  ShiftPageDto,
  UpdateClosureDto,
  UpdateShiftDto,
} from './setup.dto';

const DEFAULT_LIMIT = 50;
const RECONCILE =
  'A change that removes capacity takes the clinic-time locks a booking takes and re-checks the booked visits there against what ' +
  'remains: when some no longer fit it is a 409 whose `conflicts` name each (`appointmentId`, `startsAt`, `chairId`, `kind`, ' +
  '`reason`), unless `?force=true` — then it commits, and each such visit gets the `needs-rebooking` flag (on the board) and a ' +
  '`needs-rebooking` task in the same transaction, listed in `displaced`.';

/**
 * Closures and staff shifts of a clinic: schedulers (and admins) of the clinic manage them, its
 * nurses and clinicians read. Another tenant's clinic, closure or shift is 404. Every change is
 * audited; changes that remove capacity reconcile with what is booked (CapacityReconciler).
 */
@ApiTags('clinics')
@Controller('v1/clinics')
export class ClinicSetupController {
  constructor(
    private readonly closures: ClosureAdminService,
    private readonly shifts: ShiftAdminService,
  ) {}

  @Post(':clinicId/closures')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Close the clinic on local dates (inclusive)', description: RECONCILE })
  @ApiCreatedResponse({ type: ClosureChangeDto })
  @ApiBadRequestResponse({ description: 'Bad dates, endDate before startDate, longer than 366 days' })
  @ApiConflictResponse({ description: 'Booked visits on the closed dates (without force)' })
  @ApiNotFoundResponse()
  addClosure(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: CreateClosureDto,
    @Query() q: ForceQueryDto,
  ) {
    return this.closures.addClosure({ principal, requestId }, clinicId, dto, q.force === 'true');
  }

  @Get(':clinicId/closures')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOperation({ summary: "List a clinic's closures" })
  @ApiOkResponse({ type: ClosurePageDto })
  @ApiNotFoundResponse()
  listClosures(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() q: PageQueryDto) {
    return this.closures.listClosures(p, clinicId, q.limit ?? DEFAULT_LIMIT, q.cursor);
  }

  @Get(':clinicId/closures/:closureId')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOperation({ summary: 'One closure of a clinic' })
  @ApiOkResponse({ type: ClosureDto })
  @ApiNotFoundResponse()
  getClosure(
    @CurrentPrincipal() p: Principal,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('closureId', ParseUUIDPipe) closureId: string,
  ) {
    return this.closures.getClosure(p, clinicId, closureId);
  }

  @Patch(':clinicId/closures/:closureId')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Change a closure’s dates or reason; dates newly closed are re-checked', description: RECONCILE })
  @ApiOkResponse({ type: ClosureChangeDto })
  @ApiBadRequestResponse({ description: 'Bad dates, endDate before startDate, longer than 366 days' })
  @ApiConflictResponse({ description: 'Booked visits on the newly closed dates (without force)' })
  @ApiNotFoundResponse()
  updateClosure(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('closureId', ParseUUIDPipe) closureId: string,
    @Body() dto: UpdateClosureDto,
    @Query() q: ForceQueryDto,
  ) {
    return this.closures.updateClosure({ principal, requestId }, clinicId, closureId, dto, q.force === 'true');
  }

  @Delete(':clinicId/closures/:closureId')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Delete a closure (its dates open again)' })
  @ApiOkResponse({ type: DeletedDto })
  @ApiNotFoundResponse()
  deleteClosure(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('closureId', ParseUUIDPipe) closureId: string,
  ) {
    return this.closures.deleteClosure({ principal, requestId }, clinicId, closureId);
  }

  @Post(':clinicId/shifts')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Add a staff shift, optionally naming its staff user' })
  @ApiCreatedResponse({ type: ShiftDto })
  @ApiBadRequestResponse({ description: 'Bad times, longer than 24 h, userId not a staff user of the clinic with that role' })
  @ApiConflictResponse({ description: 'The named person already holds an overlapping shift' })
  @ApiNotFoundResponse()
  addShift(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: CreateShiftDto,
  ) {
    return this.shifts.addShift({ principal, requestId }, clinicId, dto);
  }

  @Get(':clinicId/shifts')
  @ApiOperation({ summary: "List a clinic's staff shifts" })
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: ShiftPageDto, description: 'from/to keep shifts overlapping those local dates' })
  @ApiBadRequestResponse({ description: 'Bad dates, to before from, unknown role' })
  @ApiNotFoundResponse()
  listShifts(@CurrentPrincipal() p: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string, @Query() q: ListShiftsQueryDto) {
    return this.shifts.listShifts(p, clinicId, { ...q, limit: q.limit ?? DEFAULT_LIMIT });
  }

  @Get(':clinicId/shifts/:shiftId')
  @ApiOperation({ summary: 'One staff shift of a clinic' })
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: ShiftDto })
  @ApiNotFoundResponse()
  getShift(
    @CurrentPrincipal() p: Principal,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('shiftId', ParseUUIDPipe) shiftId: string,
  ) {
    return this.shifts.getShift(p, clinicId, shiftId);
  }

  @Patch(':clinicId/shifts/:shiftId')
  @Roles(Role.Scheduler)
  @ApiOperation({
    summary: 'Change a shift’s role, times, name or staff user',
    description: `${RECONCILE} A shift that has ended cannot change; one that has started can only end earlier (not before now) — 409.`,
  })
  @ApiOkResponse({ type: ShiftChangeDto })
  @ApiBadRequestResponse({ description: 'Bad times, longer than 24 h, userId not a staff user of the clinic with that role' })
  @ApiConflictResponse({
    description: 'Booked visits lose their nurse or clinician (without force); overlapping shift of one person; shift over',
  })
  @ApiNotFoundResponse()
  updateShift(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('shiftId', ParseUUIDPipe) shiftId: string,
    @Body() dto: UpdateShiftDto,
    @Query() q: ForceQueryDto,
  ) {
    return this.shifts.updateShift({ principal, requestId }, clinicId, shiftId, dto, q.force === 'true');
  }

  @Delete(':clinicId/shifts/:shiftId')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Delete a shift that has not started', description: RECONCILE })
  @ApiOkResponse({ type: DeletedShiftDto })
  @ApiConflictResponse({ description: 'Booked visits lose their nurse or clinician (without force); the shift has started' })
  @ApiNotFoundResponse()
  deleteShift(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('shiftId', ParseUUIDPipe) shiftId: string,
    @Query() q: ForceQueryDto,
  ) {
    return this.shifts.deleteShift({ principal, requestId }, clinicId, shiftId, q.force === 'true');
  }
}
