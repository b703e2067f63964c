import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, RequestId, Role, Roles } from '@chairtime/identity';
import { AppointmentMessagesService, MessagePlanService } from '@chairtime/messaging';
import { MessagePageQueryDto } from './messaging.dto';
import { MessagePlanEntryDto, MessageViewDto } from './messaging-response.dto';
import { ApiOkArrayResponse } from '../http/page.dto';

/** A clinic's reminder / follow-up plan (API.md "Messages and workflows"). */
@ApiTags('messages')
@Controller('v1/clinics/:clinicId/message-plan')
export class MessagePlanController {
  constructor(private readonly plans: MessagePlanService) {}

  @Get()
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: "Read a clinic's message plan" })
  @ApiOkArrayResponse(MessagePlanEntryDto, 50, { description: 'The plan entries in force (the default plan when none was set)' })
  get(@CurrentPrincipal() principal: Principal, @Param('clinicId', ParseUUIDPipe) clinicId: string) {
    return this.plans.get(principal, clinicId);
  }

  @Put()
  @Roles(Role.Scheduler)
  @ApiOperation({ summary: "Replace a clinic's message plan" })
  @ApiBody({
    description: 'The whole plan: at most 50 entries, checked by the domain rule, which names each bad entry (`[0].offset`)',
    schema: { type: 'array', maxItems: 50, items: { $ref: getSchemaPath(MessagePlanEntryDto) } },
  })
  @ApiOkArrayResponse(MessagePlanEntryDto, 50, { description: 'The stored plan' })
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
  @ApiOperation({ summary: "List a visit's messages" })
  @ApiOkArrayResponse(MessageViewDto, 200, {
    description: 'By send time; no content, only kinds, channels and times',
    headers: {
      'X-Next-Cursor': {
        description: 'Pass as `cursor` for the next page; absent on the last',
        schema: { type: 'string', maxLength: 500 },
      },
    },
  })
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
