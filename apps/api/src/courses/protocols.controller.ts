import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Protocol } from '@chairtime/domain';
import { Role, Roles } from '@chairtime/identity';
import { ProtocolService } from '@chairtime/courses';
import { ProtocolDto } from './courses-response.dto';
import { ApiOkArrayResponse } from '../http/page.dto';

/** Protocols are course templates stored as data; every signed-in user may read them (no PHI). */
@ApiTags('protocols')
@Controller('v1/protocols')
export class ProtocolsController {
  constructor(private readonly protocols: ProtocolService) {}

  @Get()
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @ApiOkArrayResponse(ProtocolDto, 100, { description: 'The latest version of every protocol' })
  @ApiOperation({ summary: 'List the latest version of every protocol' })
  list(): Promise<Protocol[]> {
    return this.protocols.listLatest();
  }

  @Get(':key')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @ApiOkResponse({ type: ProtocolDto, description: 'The latest version of one protocol' })
  @ApiNotFoundResponse({ description: 'Unknown protocol' })
  @ApiOperation({ summary: 'Read the latest version of a protocol' })
  @ApiParam({ name: 'key', schema: { type: 'string', maxLength: 100 }, example: 'iv-induction' })
  get(@Param('key') key: string): Promise<Protocol> {
    return this.protocols.latest(key);
  }
}
