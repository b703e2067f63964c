import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { OfferClaimService, WaitlistService } from '@chairtime/waitlist';
import { JoinWaitlistDto, WaitlistPageQueryDto } from './waitlist.dto';
import { OfferClaimDto, WaitlistEntryPage, WaitlistEntryWithOffersDto } from './waitlist-response.dto';

const DEFAULT_LIMIT = 50;

/**
 * A clinic's waitlist. Patients join and see their own entries; schedulers manage the line of
 * their clinics. Another clinic's or patient's entry answers 404.
 */
@ApiTags('waitlist')
@Controller('v1/clinics/:clinicId/waitlist')
export class WaitlistController {
  constructor(private readonly waitlist: WaitlistService) {}

  @Post()
  @Roles(Role.Scheduler, Role.Patient)
  @ApiCreatedResponse({
    type: WaitlistEntryWithOffersDto,
    description: '{id, clinicId, patientId, courseId, earliest, latest, status: "waiting", createdAt, offers: []}',
  })
  @ApiNotFoundResponse({ description: 'The course is not in this clinic or not the caller’s (errors name courseId)' })
  @ApiConflictResponse({ description: 'The course is already waiting' })
  @ApiUnprocessableEntityResponse({ description: 'The course is not booked: nothing to move sooner' })
  @ApiOperation({ summary: 'Join the waitlist for sooner chair time' })
  join(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Body() dto: JoinWaitlistDto,
  ) {
    return this.waitlist.join({ principal, requestId }, clinicId, dto);
  }

  @Get()
  @Roles(Role.Scheduler, Role.Patient)
  @ApiOkResponse({
    type: WaitlistEntryPage,
    description: '{items: [entry], nextCursor} in waiting order; a patient sees only their own entries',
  })
  @ApiOperation({ summary: 'List waitlist entries in waiting order' })
  list(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Query() q: WaitlistPageQueryDto,
  ) {
    return this.waitlist.list({ principal, requestId }, clinicId, { status: q.status, limit: q.limit ?? DEFAULT_LIMIT, cursor: q.cursor });
  }

  @Get(':entryId')
  @Roles(Role.Scheduler, Role.Patient)
  @ApiOkResponse({
    type: WaitlistEntryWithOffersDto,
    description: 'The entry with its offers: [{id, startsAt, chairId, expiresAt, status, appointmentId}]',
  })
  @ApiOperation({ summary: 'Read a waitlist entry with its offers' })
  get(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('entryId', ParseUUIDPipe) entryId: string,
  ) {
    return this.waitlist.get({ principal, requestId }, clinicId, entryId);
  }

  @Delete(':entryId')
  @HttpCode(204)
  @Roles(Role.Scheduler, Role.Patient)
  @ApiNoContentResponse({ description: 'Withdrawn; open offers are gone and go to the next in line' })
  @ApiConflictResponse({ description: 'The entry is already fulfilled or withdrawn' })
  @ApiOperation({ summary: 'Leave the waitlist' })
  async withdraw(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    @Param('entryId', ParseUUIDPipe) entryId: string,
  ): Promise<void> {
    await this.waitlist.withdraw({ principal, requestId }, clinicId, entryId);
  }
}

/** Claiming an offer in the app (the message's one-tap link does the same through /v1/actions). */
@ApiTags('waitlist')
@Controller('v1/waitlist/offers/:offerId')
export class WaitlistOffersController {
  constructor(private readonly claims: OfferClaimService) {}

  @Post('claim')
  @HttpCode(200)
  @Roles(Role.Patient, Role.Scheduler)
  @ApiOkResponse({ type: OfferClaimDto, description: '{offer, appointment}: the visit moved to the offered time' })
  @ApiConflictResponse({ description: 'Another claim won, the time was taken, or the offer expired (currentStatus)' })
  @ApiUnprocessableEntityResponse({
    description: 'The course changed and the move no longer obeys its protocol, the rest day or Spravato REMS',
  })
  @ApiOperation({ summary: 'Claim a waitlist offer' })
  claim(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string | null, @Param('offerId', ParseUUIDPipe) offerId: string) {
    return this.claims.claimAs(principal, offerId, requestId);
  }
}
