import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
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
import { ChairAdminService } from '@chairtime/scheduling';
import { CreateBlockDto, PageQueryDto, UpdateChairDto } from './clinic.dto';
import { ChairBlockDto, ChairBlockPage, ChairDto } from './scheduling-response.dto';

/** A chair and its blocks (maintenance): schedulers manage, staff of the chair's clinic read. Changes are audited. */
@ApiTags('clinics')
@Controller('v1/chairs')
export class ChairsController {
  constructor(private readonly chairs: ChairAdminService) {}

  @Patch(':chairId')
  @Roles(Role.Scheduler)
  @ApiOperation({
    summary: 'Rename a chair, change its capabilities or (de)activate it',
    description:
      'Deactivating a chair, or removing a capability that a booked visit kind needs, while future visits (booked, in progress or ' +
      'held) are on it is a 409 whose `conflicts` name each visit (`appointmentId`, `startsAt`, `kind`, `reason`): move or cancel ' +
      'them first. An inactive chair offers no availability and takes no new bookings.',
  })
  @ApiOkResponse({ type: ChairDto, description: '{id, clinicId, name, capabilities, active}' })
  @ApiBadRequestResponse({ description: 'Unknown capability (names capabilities[i]), blank name' })
  @ApiConflictResponse({ description: 'Future visits need the chair, or the name is taken' })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('chairId', ParseUUIDPipe) chairId: string,
    @Body() dto: UpdateChairDto,
  ) {
    return this.chairs.updateChair({ principal, requestId }, chairId, dto);
  }

  @Post(':chairId/blocks')
  @Roles(Role.Scheduler)
  @ApiCreatedResponse({ type: ChairBlockDto, description: '{id, chairId, startsAt, endsAt, reason}' })
  @ApiNotFoundResponse()
  @ApiOperation({ summary: 'Block a chair for maintenance' })
  addBlock(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('chairId', ParseUUIDPipe) chairId: string,
    @Body() dto: CreateBlockDto,
  ) {
    return this.chairs.addBlock({ principal, requestId }, chairId, dto);
  }

  @Get(':chairId/blocks')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: ChairBlockPage, description: '{items: [...], nextCursor}' })
  @ApiOperation({ summary: "List a chair's blocks" })
  blocks(@CurrentPrincipal() p: Principal, @Param('chairId', ParseUUIDPipe) chairId: string, @Query() q: PageQueryDto) {
    return this.chairs.listBlocks(p, chairId, q.limit ?? 50, q.cursor);
  }
}
