import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@chairtime/config';
import { WorkerModule } from './worker.module';

/** BullMQ processors and the outbox relay; no HTTP server. SIGTERM closes workers gracefully. */
async function bootstrap(): Promise<void> {
  try {
    loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`chairtime-worker: invalid configuration: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  process.stdout.write('chairtime-worker running\n');
}

void bootstrap();
