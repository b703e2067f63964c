import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';

/** HTTP surface of the audit log; the services come from the global AuditModule. */
@Module({ controllers: [AuditController] })
export class AuditHttpModule {}
