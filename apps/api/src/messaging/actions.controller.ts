import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public, RequestId } from '@chairtime/identity';
import { ActionService } from '@chairtime/messaging';
import { ActionAnswerDto } from './messaging.dto';
import { ActionDescriptionDto, ActionResultDto } from './messaging-response.dto';
import { ApiProblems } from '../http/problem.dto';

const TOKEN_IS_THE_CREDENTIAL =
  'No bearer token: the signed, single-purpose, expiring token in the path is the credential (it arrives in a patient ' +
  'message). An unknown, tampered or expired token is 404.';

/** One-tap links from patient messages; the signed token is the only credential. */
@ApiTags('messages')
@ApiParam({ name: 'token', description: 'The signed action token from the message link', schema: { type: 'string', maxLength: 2000 } })
@Controller('v1/actions/:token')
export class ActionsController {
  constructor(private readonly actions: ActionService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Describe a one-tap link', description: TOKEN_IS_THE_CREDENTIAL })
  @ApiOkResponse({
    type: ActionDescriptionDto,
    description:
      '{purpose, startsAt, expiresAt, used, checkIn?: {kind, form}} — a check-in link describes its questions and ranges; ' +
      '404 for an unknown, tampered or expired token',
  })
  describe(@Param('token') token: string) {
    return this.actions.describe(token);
  }

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Perform a one-tap link', description: TOKEN_IS_THE_CREDENTIAL })
  @ApiProblems(409)
  @ApiOkResponse({
    type: ActionResultDto,
    description:
      '{purpose, done, crisisResources?}: confirms the ride or attendance, or stores a check-in answer (a PHQ-9 becomes an ' +
      'assessment); 400 for an answer that does not fit the link, 409 when the link was already used',
  })
  perform(@Param('token') token: string, @Body() dto: ActionAnswerDto, @RequestId() requestId: string | null) {
    return this.actions.perform(token, dto.answer ?? {}, requestId);
  }
}
