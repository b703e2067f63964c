import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig } from '@chairtime/config';
import { ApiModule } from './api.module';
import { configureHttpApp } from './http/configure-app';

/** Validates configuration first so a bad variable is one clear line, then serves HTTP. */
async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`chairtime-api: invalid configuration: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const app = await NestFactory.create(ApiModule, { bufferLogs: true });
  configureHttpApp(app, config);
  await app.listen(config.port, '0.0.0.0');
  process.stdout.write(`chairtime-api listening on http://localhost:${config.port} (docs: /docs)\n`);
}

void bootstrap();
