import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, loadConfig } from '@chairtime/config';
import { DatabaseModule } from '@chairtime/persistence';
import { QueuesModule } from '@chairtime/jobs';
import { pinoParams } from '@chairtime/observability';
import { AuditModule } from '@chairtime/audit';
import { IdentityModule } from '@chairtime/identity';
import { HealthModule } from './health/health.module';
import { IdentityHttpModule } from './identity/identity-http.module';
import { AuditHttpModule } from './audit/audit-http.module';
import { ClinicalHttpModule } from './clinical/clinical-http.module';
import { SchedulingHttpModule } from './scheduling/scheduling-http.module';
import { CoursesHttpModule } from './courses/courses-http.module';
import { MessagingHttpModule } from './messaging/messaging-http.module';
import { WaitlistHttpModule } from './waitlist/waitlist-http.module';
import { MetricsModule } from './metrics/metrics.module';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { AdminQueuesModule } from './admin/admin-queues.module';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ useFactory: () => pinoParams(loadConfig().logLevel, 'api') }),
    DatabaseModule.forRoot('chairtime-api', 6),
    QueuesModule.forRoot('producer'),
    AuditModule,
    IdentityModule,
    HealthModule,
    IdentityHttpModule,
    AuditHttpModule,
    MetricsModule,
    SchedulingHttpModule,
    ClinicalHttpModule,
    CoursesHttpModule,
    MessagingHttpModule,
    AdminQueuesModule,
    WaitlistHttpModule,
  ],
})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
