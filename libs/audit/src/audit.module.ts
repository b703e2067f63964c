import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';
import { AuditQueryService } from './audit-query.service';
import { AuditPurgeService } from './audit-purge.service';

@Global()
@Module({ providers: [AuditService, AuditQueryService, AuditPurgeService], exports: [AuditService, AuditQueryService, AuditPurgeService] })
export class AuditModule {}
