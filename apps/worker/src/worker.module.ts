import { Inject, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig, ConfigModule, loadConfig } from '@chairtime/config';
import { DatabaseModule, metricsProvider } from '@chairtime/persistence';
import { JOB_HANDLERS, JobHandler, JobName, QueueName, QueuesModule, checkEvictionPolicy, jobOptions } from '@chairtime/jobs';
import { pinoParams } from '@chairtime/observability';
import { JobDispatcher } from './job-dispatcher';
import { MetricsPublisher } from './metrics-publisher';
import { MaintenanceProcessor, MessagesProcessor, WorkflowsProcessor } from './queue.processors';
import { OutboxRelayService } from './outbox-relay.service';
import { PurgeOutboxHandler, ReconcileHandler } from './maintenance.handlers';
import { ExpireHoldHandler, PurgeIdempotencyKeysHandler } from '@chairtime/courses';
import { SchedulingModule } from '@chairtime/scheduling';
import { AuditModule, PurgeAuditHandler } from '@chairtime/audit';
import { ExpireMessagesHandler, MessagingModule, PlanMessagesHandler, RideCheckHandler, SendMessageHandler } from '@chairtime/messaging';
import { ExpireWaitlistOfferHandler, OfferFreedTimeHandler, WaitlistModule } from '@chairtime/waitlist';

const HANDLERS = [
  ReconcileHandler,
  PurgeOutboxHandler,
  ExpireHoldHandler,
  PurgeAuditHandler,
  PurgeIdempotencyKeysHandler,
  SendMessageHandler,
  RideCheckHandler,
  ExpireMessagesHandler,
];
/** Handlers provided (with their dependencies) by feature modules the worker imports. */
const MODULE_HANDLERS = [OfferFreedTimeHandler, ExpireWaitlistOfferHandler, PlanMessagesHandler];

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ useFactory: () => pinoParams(loadConfig().logLevel) }),
    DatabaseModule.forRoot('chairtime-worker', 10),
    QueuesModule.forRoot('worker'),
    AuditModule,
    // AppointmentEvents for ExpireHoldHandler: expiries fan out like every other appointment change.
    SchedulingModule,
    // Plans messages for appointment changes made by worker jobs (hold expiry, ...).
    MessagingModule,
    // Records chair time freed by worker-made changes (hold expiry) for the waitlist.
    WaitlistModule,
  ],
  providers: [
    metricsProvider('worker'),
    ...HANDLERS,
    { provide: JOB_HANDLERS, inject: [...HANDLERS, ...MODULE_HANDLERS], useFactory: (...handlers: JobHandler[]) => handlers },
    JobDispatcher,
    MetricsPublisher,
    OutboxRelayService,
    MessagesProcessor,
    WorkflowsProcessor,
    MaintenanceProcessor,
  ],
})
export class WorkerModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await checkEvictionPolicy(this.config.redisUrl, (m) => this.logger.warn(m));
    await this.scheduleHousekeeping();
    // The schedulers live in Redis: a Redis that restarted without its data lost them, and with
    // them the reconciler that would restore the lost jobs. Every reconnect upserts them again
    // (a no-op when they survived; a new scheduler runs its first reconcile at once).
    this.maintenance.getBackend().connection.on('ready', () => {
      this.scheduleHousekeeping().catch((e: Error) => this.logger.warn({ err: e.message }, 'could not re-register housekeeping'));
    });
  }

  private async scheduleHousekeeping(): Promise<void> {
    // Repeating housekeeping. Job schedulers are idempotent by id: every worker may upsert them.
    const every = (name: JobName, ms: number) => {
      const { attempts, backoff } = jobOptions(name, name, undefined, 0);
      return this.maintenance.upsertJobScheduler(name, { every: ms }, { name, data: {}, opts: { attempts, backoff } });
    };
    await every(JobName.Reconcile, 5 * 60_000);
    await every(JobName.PurgeOutbox, 24 * 3600_000);
    await every(JobName.PurgeAudit, 24 * 3600_000);
    // Ends messages past not-after that are still open (a lost or dead job); sends check it themselves.
    await every(JobName.ExpireMessages, 5 * 60_000);
    // Hourly: a key lives 24 to 25 hours.
    await every(JobName.PurgeIdempotencyKeys, 3600_000);
  }
}
