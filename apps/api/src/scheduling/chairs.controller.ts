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
import { ChairAdminService } from '@chairtime/scheduling';
import { CreateBlockDto, PageQueryDto, UpdateChairDto } from './clinic.dto';
import { BlockChangeDto, BlockDto, BlockPageDto, ChairChangeDto, DeletedDto, ForceQueryDto, UpdateBlockDto } from './setup.dto';

const RECONCILE =
  'Booked visits the change leaves without capacity make it a 409 whose `conflicts` name each (`appointmentId`, `startsAt`, ' +
  '`chairId`, `kind`, `reason`), unless `?force=true` — then it commits and each such visit gets the `needs-rebooking` flag (on ' +
  'the board) and a `needs-rebooking` task in the same transaction, listed in `displaced`.';

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
      'them first, or repeat with `?force=true` to mark them `needs-rebooking` (flag and task). An inactive chair offers no ' +
      'availability and takes no new bookings.',
  })
  @ApiOkResponse({ type: ChairChangeDto })
  @ApiBadRequestResponse({ description: 'Unknown capability (names capabilities[i]), blank name' })
  @ApiConflictResponse({ description: 'Future visits need the chair, or the name is taken' })
  @ApiNotFoundResponse()
  update(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('chairId', ParseUUIDPipe) chairId: string,
    @Body() dto: UpdateChairDto,
    @Query() q: ForceQueryDto,
  ) {
    return this.chairs.updateChair({ principal, requestId }, chairId, dto, q.force === 'true');
  }

  @Post(':chairId/blocks')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Take the chair out of service over [startsAt, endsAt)', description: RECONCILE })
  @ApiCreatedResponse({ type: BlockChangeDto })
  @ApiBadRequestResponse({ description: 'Bad times, endsAt not after startsAt' })
  @ApiConflictResponse({ description: 'Visits booked on the chair in that time (without force)' })
  @ApiNotFoundResponse()
  addBlock(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('chairId', ParseUUIDPipe) chairId: string,
    @Body() dto: CreateBlockDto,
    @Query() q: ForceQueryDto,
  ) {
    return this.chairs.addBlock({ principal, requestId }, chairId, dto, q.force === 'true');
  }

  @Get(':chairId/blocks/:blockId')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOperation({ summary: 'One block of a chair' })
  @ApiOkResponse({ type: BlockDto })
  @ApiNotFoundResponse()
  block(
    @CurrentPrincipal() p: Principal,
    @Param('chairId', ParseUUIDPipe) chairId: string,
    @Param('blockId', ParseUUIDPipe) blockId: string,
  ) {
    return this.chairs.getBlock(p, chairId, blockId);
  }

  @Patch(':chairId/blocks/:blockId')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Move or resize a block, or change its reason; time newly covered is re-checked', description: RECONCILE })
  @ApiOkResponse({ type: BlockChangeDto })
  @ApiBadRequestResponse({ description: 'Bad times, endsAt not after startsAt' })
  @ApiConflictResponse({ description: 'Visits booked on the chair in the newly blocked time (without force)' })
  @ApiNotFoundResponse()
  updateBlock(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('chairId', ParseUUIDPipe) chairId: string,
    @Param('blockId', ParseUUIDPipe) blockId: string,
    @Body() dto: UpdateBlockDto,
    @Query() q: ForceQueryDto,
  ) {
    return this.chairs.updateBlock({ principal, requestId }, chairId, blockId, dto, q.force === 'true');
  }

  @Delete(':chairId/blocks/:blockId')
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: 'Delete a block (the chair is in service again then)' })
  @ApiOkResponse({ type: DeletedDto })
  @ApiNotFoundResponse()
  deleteBlock(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('chairId', ParseUUIDPipe) chairId: string,
    @Param('blockId', ParseUUIDPipe) blockId: string,
  ) {
    return this.chairs.deleteBlock({ principal, requestId }, chairId, blockId);
  }

  @Get(':chairId/blocks')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician)
  @ApiOkResponse({ type: BlockPageDto })
  @ApiNotFoundResponse()
  @ApiOperation({ summary: "List a chair's blocks" })
  blocks(@CurrentPrincipal() p: Principal, @Param('chairId', ParseUUIDPipe) chairId: string, @Query() q: PageQueryDto) {
    return this.chairs.listBlocks(p, chairId, q.limit ?? 50, q.cursor);
  }
}
