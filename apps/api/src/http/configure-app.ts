import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@chairtime/config';
import { createValidationPipe } from './validation';
import { ProblemFilter } from './problem.filter';
import { refuseHostileInput, verifyUtf8 } from './hostile-input';
import { noStore } from './no-store';
import { buildOpenApiDocument } from './openapi';
import { webApp } from '../web/web-app';

/**
 * Everything about the HTTP surface that is not a route: shared by `main.ts` and the e2e tests so
 * tests exercise the same pipes, filters, limits and headers as production.
 */
export function configureHttpApp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (none by default): a
  // client that could set it would choose its own rate-limit key and login-throttle source.
  express.set('trust proxy', config.trustProxy);
  app.use(helmet());
  app.use(noStore());
  // The web app's pages and assets (before the router; it passes on every path it does not own).
  app.use(webApp(config.webDistDir));
  // `verify` is left out of Nest's option types (it uses it for rawBody, which we do not enable).
  express.useBodyParser(
    'json',
    Object.assign({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'] }, { verify: verifyUtf8 }),
  );
  express.useBodyParser('urlencoded', Object.assign({ limit: config.bodyLimit, extended: false }, { verify: verifyUtf8 }));
  app.use(refuseHostileInput());
  app.enableCors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
