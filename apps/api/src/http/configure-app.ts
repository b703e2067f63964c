import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@chairtime/config';
import { createValidationPipe } from './validation';
import { ProblemFilter } from './problem.filter';
import { webApp } from '../web/web-app';
import { createOpenApiDocument } from './openapi';

/**
 * Everything about the HTTP surface that is not a route: shared by `main.ts` and the e2e tests so
 * tests exercise the same pipes, filters, limits and headers as production.
 */
export function configureHttpApp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.disable('x-powered-by');
  express.set('trust proxy', 'loopback');
  app.use(helmet());
  // The web app's pages and assets (before the router; it passes on every path it does not own).
  app.use(webApp(config.webDistDir));
  express.useBodyParser('json', { limit: config.bodyLimit, type: ['application/json', 'application/*+json'] });
  express.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  app.enableCors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
