import { Module } from '@nestjs/common';
import { BullBoardModule, BullBoardModuleOptions } from '@bull-board/nestjs';
import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { AuditService } from '@chairtime/audit';
import { TokenService } from '@chairtime/identity';
import { QueueName } from '@chairtime/jobs';
import { adminOnly } from './admin-only.middleware';
import { ADMIN_QUEUES_ROUTE } from './admin-queues.route';
import { AdminSessionController } from './admin-session.controller';

/**
 * Bull Board over the three queues, for admins: failed jobs are kept a week for inspection and
 * retry here. The board is Express middleware, so {@link adminOnly} runs in front of it — the
 * global access guard does not reach it. A browser signs in at `/admin/login`
 * ({@link AdminSessionController}).
 */
@Module({
  controllers: [AdminSessionController],
  imports: [
    BullBoardModule.forRootAsync({
      inject: [TokenService, AuditService],
      useFactory: (tokens: TokenService, audit: AuditService) => ({
        route: ADMIN_QUEUES_ROUTE,
        // @bull-board/express 9.10.1 ships its own copy of @bull-board/api 9.10.1 (the board is
        // 9.10.2): same shape, but private fields make TypeScript see two types.
        adapter: ExpressAdapter as unknown as BullBoardModuleOptions['adapter'],
        middleware: adminOnly(tokens, audit),
      }),
    }),
    ...Object.values(QueueName).map((name) => BullBoardModule.forFeature({ name, adapter: BullMQAdapter })),
  ],
})
export class AdminQueuesModule {}
