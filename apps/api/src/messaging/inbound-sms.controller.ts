import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@chairtime/identity';
import { InboundSmsService } from '@chairtime/messaging';

/** The SMS provider's inbound webhook (form-encoded, signed). */
@ApiTags('messages')
@Controller('v1/inbound/sms')
export class InboundSmsController {
  constructor(private readonly inbound: InboundSmsService) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ description: '{handled}; 403 problem when X-Twilio-Signature does not verify' })
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
