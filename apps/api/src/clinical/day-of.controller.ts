import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { DayOfService, VitalsService } from '@chairtime/clinical';
import { CheckInDto, DischargeDto, RemsFormDto, RideDto, SideEffectsDto, VitalsDto } from './clinical.dto';
import { RemsFormResultDto, SideEffectsResultDto, VitalsResultDto } from './clinical-response.dto';
import { DayOfAppointmentDto } from '../scheduling/scheduling-response.dto';
import { ApiProblems } from '../http/problem.dto';

/** The day of treatment. Refused transitions are 409 with `currentStatus`. */
@ApiTags('appointments')
@Controller('v1/appointments')
export class DayOfController {
  constructor(
    private readonly dayOf: DayOfService,
    private readonly vitals: VitalsService,
  ) {}

  @Put(':id/ride')
  @Roles(Role.Scheduler, Role.Nurse, Role.Patient)
  @ApiOkResponse({ type: DayOfAppointmentDto, description: 'The appointment with its ride' })
  @ApiOperation({ summary: 'Record the ride home' })
  @ApiProblems(409)
  ride(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RideDto,
  ) {
    return this.dayOf.ride({ principal, requestId }, id, dto);
  }

  @Post(':id/check-in')
  @HttpCode(200)
  @Roles(Role.Scheduler, Role.Nurse)
  @ApiOkResponse({ type: DayOfAppointmentDto, description: 'The checked-in appointment' })
  @ApiConflictResponse({ description: 'Not booked (`currentStatus`)' })
  @ApiUnprocessableEntityResponse({
    description:
      'Intoxication attested (an `intoxicated` task is raised), or Spravato without REMS enrollment (`rems-patient`) or at a site not REMS-certified (`rems-site`)',
  })
  @ApiOperation({ summary: 'Check the patient in' })
  checkIn(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CheckInDto,
  ) {
    return this.dayOf.checkIn({ principal, requestId }, id, dto);
  }

  @Post(':id/vitals')
  @Roles(Role.Nurse, Role.Clinician)
  @ApiCreatedResponse({ type: VitalsResultDto, description: '{accepted, status, recheckAfter?}' })
  @ApiConflictResponse({ description: 'Wrong status, or the re-check is earlier than 15 minutes after the first failure' })
  @ApiOperation({ summary: 'Record a vitals reading' })
  recordVitals(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: VitalsDto,
  ) {
    return this.vitals.record({ principal, requestId }, id, dto);
  }

  @Post(':id/start')
  @HttpCode(200)
  @Roles(Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: DayOfAppointmentDto, description: 'The appointment in treatment' })
  @ApiConflictResponse({ description: 'Not checked in, or no accepted pre-treatment reading' })
  @ApiOperation({ summary: 'Start the treatment' })
  start(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('id', ParseUUIDPipe) id: string) {
    return this.dayOf.start({ principal, requestId }, id);
  }

  @Post(':id/discharge')
  @HttpCode(200)
  @Roles(Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: DayOfAppointmentDto, description: 'The discharged appointment' })
  @ApiConflictResponse({ description: '`violations`: recovery-not-complete, post-vitals-missing, ride-handoff-missing, rems-vitals-*' })
  @ApiOperation({ summary: 'Discharge after recovery' })
  discharge(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: DischargeDto,
  ) {
    return this.dayOf.discharge({ principal, requestId }, id, { rideHandoff: { name: dto.rideHandoff?.name ?? '' } });
  }

  @Post(':id/side-effects')
  @Roles(Role.Nurse, Role.Clinician)
  @ApiCreatedResponse({ type: SideEffectsResultDto, description: '{effects: [{id, name, severity, note?}]}' })
  @ApiOperation({ summary: 'Record side effects' })
  @ApiProblems(409)
  sideEffects(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SideEffectsDto,
  ) {
    return this.vitals.sideEffects({ principal, requestId }, id, dto.effects);
  }

  @Post(':id/rems-form')
  @Roles(Role.Nurse, Role.Clinician)
  @ApiCreatedResponse({
    type: RemsFormResultDto,
    description: 'The filed Spravato REMS Patient Monitoring Form; resolves the `rems-form-due` task',
  })
  @ApiOperation({ summary: 'File the Spravato REMS monitoring form' })
  @ApiProblems(409, 422)
  remsForm(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RemsFormDto,
  ) {
    return this.vitals.remsForm({ principal, requestId }, id, dto);
  }
}
