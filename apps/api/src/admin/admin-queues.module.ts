import { Module } from '@nestjs/common';
import { BullBoardModule, BullBoardModuleOptions } from '@bull-board/nestjs';
import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { AuditService } from '@chairtime/audit';
import { TokenService } from '@chairtime/identity';
import { QueueName } from '@chairtime/jobs';
import { adminOnly } from './admin-only.middleware';

/** Where the dashboard is served (outside the versioned API: it is an operator tool). */
export const ADMIN_QUEUES_ROUTE = '/admin/queues';

/**
 * Bull Board over the three queues, for admins: failed jobs are kept a week for inspection and
 * retry here. The board is Express middleware, so {@link adminOnly} runs in front of it — the
 * global access guard does not reach it.
 */
@Module({
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
