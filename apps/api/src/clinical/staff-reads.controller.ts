import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { PatientChartService, PatientSearchService, ScreeningQueueService } from '@chairtime/clinical';
import {
  PatientChartDto,
  PatientSearchPageDto,
  PatientSearchQueryDto,
  ScreeningQueuePageDto,
  ScreeningQueueQueryDto,
  ScreeningRecordDto,
} from './staff-reads.dto';

const STAFF = [Role.Scheduler, Role.Nurse, Role.Clinician] as const;

/** Patient search for the front desk and the chart for nurses and clinicians. Scope and audit are the services'. */
@ApiTags('patients')
@Controller('v1/patients')
export class PatientSearchController {
  constructor(
    private readonly search: PatientSearchService,
    private readonly charts: PatientChartService,
  ) {}

  @Get()
  @Roles(...STAFF)
  @ApiOperation({ summary: "Search the clinic's patients" })
  @ApiOkResponse({ type: PatientSearchPageDto, description: "The clinic's patients by family then given name, narrowed by `query`" })
  @ApiNotFoundResponse({ description: 'Unknown `clinicId`, or not a clinic of the caller' })
  list(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Query() q: PatientSearchQueryDto) {
    return this.search.search({ principal, requestId }, q);
  }

  @Get(':id/chart')
  @ApiOperation({ summary: "A patient's chart" })
  @Roles(Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: PatientChartDto, description: 'The whole chart in one read' })
  @ApiNotFoundResponse()
  chart(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('id', ParseUUIDPipe) id: string) {
    return this.charts.chart({ principal, requestId }, id);
  }
}

/** The clinician's screening review queue and a screening's full record. */
@ApiTags('patients')
@Controller('v1/screenings')
export class ScreeningQueueController {
  constructor(private readonly screenings: ScreeningQueueService) {}

  @Get()
  @Roles(Role.Clinician, Role.Nurse, Role.Scheduler)
  @ApiOperation({ summary: 'The screening review queue' })
  @ApiOkResponse({ type: ScreeningQueuePageDto, description: 'Screenings in `status` (default pending-review), oldest first' })
  @ApiNotFoundResponse({ description: 'Unknown `clinicId`, or not a clinic of the caller' })
  queue(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Query() q: ScreeningQueueQueryDto) {
    return this.screenings.queue({ principal, requestId }, q);
  }

  @Get(':id')
  @Roles(Role.Clinician, Role.Nurse, Role.Scheduler)
  @ApiOperation({ summary: "A screening's full record" })
  @ApiOkResponse({ type: ScreeningRecordDto })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('id', ParseUUIDPipe) id: string) {
    return this.screenings.get({ principal, requestId }, id);
  }
}
