import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { ScreeningService } from '@chairtime/clinical';
import { ScreeningDecisionDto } from './clinical.dto';
import { ScreeningViewDto } from './clinical-response.dto';
import { ApiProblems } from '../http/problem.dto';

/** The clinician's decision on a screening. */
@ApiTags('patients')
@Controller('v1/screenings')
export class ScreeningsController {
  constructor(private readonly screenings: ScreeningService) {}

  @Post(':id/decision')
  @HttpCode(200)
  @Roles(Role.Clinician)
  @ApiOkResponse({ type: ScreeningViewDto, description: 'The decided screening' })
  @ApiUnprocessableEntityResponse({ description: 'An ineligible screening cannot be approved' })
  @ApiOperation({ summary: 'Approve or decline a screening' })
  @ApiProblems([409, 'The screening was already decided (`currentStatus`)'])
  decide(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ScreeningDecisionDto,
  ) {
    return this.screenings.decide({ principal, requestId }, id, { decision: dto.decision, note: dto.note ?? null });
  }
}
