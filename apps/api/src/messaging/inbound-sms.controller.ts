import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@chairtime/identity';
import { InboundSmsService } from '@chairtime/messaging';
import { InboundSmsResultDto } from './messaging-response.dto';
import { ApiProblems } from '../http/problem.dto';
import { TWILIO_SIGNATURE } from '../http/openapi';

/** The SMS provider's inbound webhook (form-encoded, signed). */
@ApiTags('messages')
@Controller('v1/inbound/sms')
export class InboundSmsController {
  constructor(private readonly inbound: InboundSmsService) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive an SMS reply (provider webhook)',
    description: 'No bearer token: the provider signs each call with `X-Twilio-Signature`, which must verify.',
  })
  @ApiSecurity(TWILIO_SIGNATURE)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    description: 'The provider’s parameters, exactly as posted (the signature covers them)',
    schema: { type: 'object', maxProperties: 100, additionalProperties: { type: 'string', maxLength: 2000 } },
  })
  @ApiOkResponse({ type: InboundSmsResultDto })
  @ApiProblems([403, 'X-Twilio-Signature is missing or does not verify'])
  receive(
    @Req() req: Request,
    // Raw provider params: the signature covers exactly what was posted, so no DTO reshapes them.
    @Body() body: Record<string, string>,
    @Headers('x-twilio-signature') signature: string | undefined,
  ) {
    const url = `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`;
    return this.inbound.receive(url, body ?? {}, signature);
  }
}
