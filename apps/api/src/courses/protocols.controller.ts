import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Protocol } from '@chairtime/domain';
import { Role, Roles } from '@chairtime/identity';
import { ProtocolService } from '@chairtime/courses';

/** Protocols are course templates stored as data; every signed-in user may read them (no PHI). */
@ApiTags('protocols')
@Controller('v1/protocols')
export class ProtocolsController {
  constructor(private readonly protocols: ProtocolService) {}

  @Get()
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @ApiOkResponse({ description: 'The latest version of every protocol: [{key, version, name, visitKind, rules}]' })
  list(): Promise<Protocol[]> {
    return this.protocols.listLatest();
  }

  @Get(':key')
  @Roles(Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient)
  @ApiOkResponse({ description: 'The latest version of one protocol' })
  @ApiNotFoundResponse({ description: 'Unknown protocol' })
  get(@Param('key') key: string): Promise<Protocol> {
    return this.protocols.latest(key);
  }
}
