import { Controller, Get, Headers, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { OutcomeReportService, outcomeReportCsv } from '@chairtime/clinical';
import { DATE as DAY, UUID } from '../http/page.dto';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class OutcomeReportQueryDto {
  @ApiProperty({ ...DAY, pattern: DATE.source, description: 'First local date (inclusive)' })
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ ...DAY, pattern: DATE.source, description: 'Last local date (inclusive); at most 366 days after `from`' })
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to!: string;
}

class OutcomeRatesDto {
  @ApiProperty({ description: 'Completed series with a baseline and a post-series PHQ-9 (the denominator)' }) assessed!: number;
  @ApiProperty() responders!: number;
  @ApiProperty() remissions!: number;
  @ApiProperty({ type: Number, nullable: true }) responseRate!: number | null;
  @ApiProperty({ type: Number, nullable: true }) remissionRate!: number | null;
}

class RelapseDto {
  @ApiProperty({ description: 'Responders whose 90 days after the series have passed' }) followed!: number;
  @ApiProperty() relapsedWithin90Days!: number;
  @ApiProperty({ type: Number, nullable: true }) rate!: number | null;
}

class NoShowsDto {
  @ApiProperty() count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Of treated + no-show visits' }) rate!: number | null;
}

class LeadTimeDto {
  @ApiProperty() under24h!: number;
  @ApiProperty() from24hTo72h!: number;
  @ApiProperty() over72h!: number;
}

class CancellationsDto {
  @ApiProperty() count!: number;
  @ApiProperty({ type: LeadTimeDto, description: 'How long before the start they were cancelled' }) byLeadTime!: LeadTimeDto;
}

class HourUtilizationDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' }) weekday!: number;
  @ApiProperty({ minimum: 0, maximum: 23 }) hour!: number;
  @ApiProperty() openChairMinutes!: number;
  @ApiProperty() bookedChairMinutes!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) utilization!: number;
}

export class OutcomeReportDto {
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty(DAY) from!: string;
  @ApiProperty(DAY) to!: string;
  @ApiProperty() patientsTreated!: number;
  @ApiProperty({ description: 'Chair visits discharged' }) treatments!: number;
  @ApiProperty() seriesCompleted!: number;
  @ApiProperty({ type: OutcomeRatesDto }) outcomes!: OutcomeRatesDto;
  @ApiProperty({ type: RelapseDto }) relapse!: RelapseDto;
  @ApiProperty({ type: NoShowsDto }) noShows!: NoShowsDto;
  @ApiProperty({ type: CancellationsDto }) cancellations!: CancellationsDto;
  @ApiProperty({ type: [HourUtilizationDto], maxItems: 168 }) utilization!: HourUtilizationDto[];
}

/** Clinic reports for schedulers and clinicians: aggregates, no patient named. */
@ApiTags('reports')
@Controller('v1/clinics/:clinicId/reports')
export class ReportsController {
  constructor(private readonly reports: OutcomeReportService) {}

  @Get('outcomes')
  @ApiOperation({ summary: 'Outcome, no-show, cancellation and utilization report over local dates' })
  @Roles(Role.Scheduler, Role.Clinician)
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: OutcomeReportDto, description: 'JSON, or CSV (`section,measure,value`) with `Accept: text/csv`' })
  async outcomes(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Query() q: OutcomeReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const report = await this.reports.report({ principal, requestId }, clinicId, q.from, q.to);
    if (!accept || !/\btext\/csv\b/i.test(accept)) return report;
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="outcomes-${q.from}-${q.to}.csv"`);
    return outcomeReportCsv(report);
  }
}
