import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ApiModule } from './api.module';
import { createOpenApiDocument } from './http/openapi';

/**
 * Prints the OpenAPI document the API serves, without connecting to anything: Nest's preview
 * mode reads the modules' metadata and instantiates no provider. `npm run openapi:types` turns
 * the output into apps/web/src/lib/api/schema.d.ts.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create(ApiModule, { preview: true, logger: false });
  process.stdout.write(JSON.stringify(createOpenApiDocument(app), null, 2) + '\n');
}

void main();
