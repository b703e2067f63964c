import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, loadConfig } from '@chairtime/config';
import { DatabaseModule } from '@chairtime/persistence';
import { QueuesModule } from '@chairtime/jobs';
import { pinoParams } from '@chairtime/observability';
import { AuditModule } from '@chairtime/audit';
import { IdentityModule } from '@chairtime/identity';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';

@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({ useFactory: () => pinoParams(loadConfig().logLevel) }),
    DatabaseModule.forRoot('chairtime-api', 20),
    QueuesModule.forRoot('producer'),
    AuditModule,
    IdentityModule,
    HealthModule,
    MetricsModule,
  ],
})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
