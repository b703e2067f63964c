import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { AppointmentMessagesService, MessagePlanService } from '@chairtime/messaging';
import { MessagePageQueryDto, MessageViewDto } from './messaging.dto';

/** A clinic's reminder / follow-up plan (API.md "Messages and workflows"). */
@ApiTags('messages')
@Controller('v1/clinics/:clinicId/message-plan')
export class MessagePlanController {
  constructor(private readonly plans: MessagePlanService) {}

  @Get()
  @Roles(Role.Scheduler)
  @ApiOkResponse({ description: 'The plan entries in force (the default plan when none was set)' })
  get(@CurrentPrincipal() principal: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string) {
    return this.plans.get(principal, clinicId);
  }

  @Put()
  @Roles(Role.Scheduler)
  @ApiBody({ description: '[{kind, visitKinds, offset, anchor, channel?}]', schema: { type: 'array', items: { type: 'object' } } })
  @ApiOkResponse({ description: 'The stored plan; 400 with `errors[{path, message}]` when invalid' })
  put(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('clinicId', ParseUUIDPipe) clinicId: string,
    // The body is an array validated by the domain rule (validateMessagePlan), not a DTO class.
    @Body() body: unknown,
  ) {
    return this.plans.put(principal, clinicId, body, requestId);
  }
}

/** The messages of one visit. */
@ApiTags('messages')
@Controller('v1/appointments/:id/messages')
export class AppointmentMessagesController {
  constructor(private readonly messages: AppointmentMessagesService) {}

  @Get()
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @ApiOkResponse({ type: [MessageViewDto], description: "The visit's messages by send time; next page cursor in `X-Next-Cursor`" })
  @ApiNotFoundResponse({ description: 'No such visit, or not one the caller may see' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string | null,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: MessagePageQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const page = await this.messages.list(principal, id, q, requestId);
    if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
    return page.items;
  }
}
