import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditQueryService } from '@chairtime/audit';
import { Role, Roles } from '@chairtime/identity';
import { AuditPageDto, AuditQueryDto } from './audit.dto';

/** The audit log, for admins (HIPAA audit review). Newest first, keyset-paged. */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Roles(Role.Admin)
  @ApiOkResponse({ type: AuditPageDto })
  @ApiOperation({ summary: 'Search the audit log (admin)' })
  list(@Query() q: AuditQueryDto): Promise<AuditPageDto> {
    return this.audit.list(
      {
        actorId: q.actorId,
        clinicId: q.clinicId,
        patientId: q.patientId,
        action: q.action,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      },
      q.limit ?? 50,
      q.cursor,
    );
  }
}
