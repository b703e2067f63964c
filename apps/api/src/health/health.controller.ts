import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import type Redis from 'ioredis';
import { Public } from '@chairtime/identity';
import { HEALTH_REDIS } from './health.tokens';
import { LiveDto, ReadyDto } from './health-response.dto';
import { ApiProblems } from '../http/problem.dto';

const TIMEOUT_MS = 1500;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), TIMEOUT_MS))]);
}

/**
 * Liveness says the process runs; readiness says it can serve: Postgres and Redis answer within
 * 1.5 s and no migration is pending. Each probe runs on demand (no cached state), so readiness
 * turns 503 on the first request after a dependency stops and back to 200 when it returns.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(HEALTH_REDIS) private readonly redis: Redis,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process runs' })
  @ApiOkResponse({ type: LiveDto })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer and no migration is pending' })
  @ApiOkResponse({ type: ReadyDto })
  @ApiProblems([503, 'A dependency is down (`checks` names it), or the database is restarting (`retry`)'])
  ready() {
    return this.health.check([
      () => this.probe('postgres', () => this.dataSource.query('SELECT 1')),
      () => this.probe('redis', () => this.redis.ping()),
      () =>
        this.probe('migrations', async () => {
          const pending = await this.dataSource.showMigrations();
          if (pending) throw new Error('migrations pending');
        }),
    ]);
  }

  private async probe(key: string, fn: () => Promise<unknown>) {
    const check = this.indicator.check(key);
    try {
      await withTimeout(fn(), key);
      return check.up();
    } catch (e) {
      return check.down({ message: (e as Error).message.slice(0, 80) });
    }
  }
}
