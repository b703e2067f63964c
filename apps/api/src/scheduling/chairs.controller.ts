import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Role, Roles } from '@chairtime/identity';
import { ClinicAdminService } from '@chairtime/scheduling';
import { CreateBlockDto, PageQueryDto } from './clinic.dto';

/** Chair blocks (maintenance): schedulers manage, staff of the chair's clinic read. */
@ApiTags('clinics')
@Controller('v1/chairs')
export class ChairsController {
  constructor(private readonly clinics: ClinicAdminService) {}

  @Post(':chairId/blocks')
  @Roles(Role.Scheduler)
  @ApiCreatedResponse({ description: '{id, chairId, startsAt, endsAt, reason}' })
  @ApiNotFoundResponse()
  addBlock(@CurrentPrincipal() p: Principal, @Param('chairId', ParseUUIDPipe) chairId: string, @Body() dto: CreateBlockDto) {
    return this.clinics.addBlock(p, chairId, dto);
  }

  @Get(':chairId/blocks')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ description: '{items: [...], nextCursor}' })
  blocks(@CurrentPrincipal() p: Principal, @Param('chairId', ParseUUIDPipe) chairId: string, @Query() q: PageQueryDto) {
    return this.clinics.listBlocks(p, chairId, q.limit ?? 50, q.cursor);
  }
}
