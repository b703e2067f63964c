import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { NestApplication } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { buildOpenApiDocument } from '../../apps/api/src/http/openapi';
import { createResponseChecker, RecordedResponse } from './openapi-responses';

/**
 * Every response an e2e test receives from the API is checked against the OpenAPI document the
 * app serves (operation, status, content type, body schema), so the document cannot drift from
 * what the code answers. A mismatch fails the test that caused it. Installed by wrapping
 * NestApplication.init, so every app the e2e tests start (startApi and the factories) is covered
 * without test-only code in the app. OPENAPI_SAMPLES=<file> also appends each response there.
 */
const mismatches: string[] = [];

/**
 * The served document, less the probe routes some tests add to the app (they are not the API's):
 * only paths of the committed docs/openapi.json are checked. test/foundation/openapi.e2e-spec.ts
 * asserts the real API serves exactly that document.
 */
function servedDocument(app: NestApplication): OpenAPIObject {
  const committed = JSON.parse(readFileSync(join(__dirname, '../../docs/openapi.json'), 'utf8')) as OpenAPIObject;
  const served = buildOpenApiDocument(app);
  served.paths = Object.fromEntries(Object.entries(served.paths).filter(([path]) => path in committed.paths));
  return served;
}
const originalInit = NestApplication.prototype.init;

NestApplication.prototype.init = async function init(this: NestApplication) {
  // OPENAPI_RESPONSE_CHECK=off leaves responses alone (e.g. to time a test without the check).
  if (process.env.OPENAPI_RESPONSE_CHECK !== 'off' && !(this as unknown as { isInitialized?: boolean }).isInitialized) {
    let check: ((r: RecordedResponse) => string | null) | undefined;
    this.use((req: Request, res: Response, next: NextFunction) => {
      const chunks: Buffer[] = [];
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => Response;
      const keep = (chunk: unknown, encoding: unknown) => {
        if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
        chunks.push(
          Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
        );
      };
      res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
        keep(chunk, encoding);
        return write(chunk, encoding, cb);
      }) as Response['write'];
      res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
        keep(chunk, encoding);
        const recorded: RecordedResponse = {
          method: req.method,
          path: (req.originalUrl ?? req.url).split('?')[0],
          status: res.statusCode,
          contentType: res.getHeader('content-type') as string | undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        try {
          check ??= createResponseChecker(servedDocument(this));
          const reason = check(recorded);
          if (reason) mismatches.push(reason);
          if (process.env.OPENAPI_SAMPLES) appendFileSync(process.env.OPENAPI_SAMPLES, `${JSON.stringify(recorded)}\n`);
        } catch (e) {
          mismatches.push(`response check failed: ${(e as Error).message}`);
        }
        return end(chunk, encoding, cb);
      }) as Response['end'];
      next();
    });
  }
  return originalInit.call(this);
};

afterEach(() => {
  if (process.env.OPENAPI_RESPONSE_CHECK === 'off') return void mismatches.splice(0);
  const found = [...new Set(mismatches.splice(0))];
  if (found.length) throw new Error(`responses that do not match the OpenAPI document:\n- ${found.join('\n- ')}`);
});
