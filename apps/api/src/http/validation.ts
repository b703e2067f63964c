import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** Flattens class-validator's nested errors into `{path, message}` pairs (`visits[2].startsAt`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const e of errors) {
    const key = /^\d+$/.test(e.property) ? `[${e.property}]` : e.property;
    const path = parent === '' ? key.replace(/^\[/, '[') : /^\[/.test(key) ? `${parent}${key}` : `${parent}.${key}`;
    for (const message of Object.values(e.constraints ?? {})) out.push({ path, message });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

export class RequestValidationError extends BadRequestException {
  constructor(readonly errors: { path: string; message: string }[]) {
    super('Request validation failed');
  }
}

/**
 * The global pipe: unknown properties are refused (not silently dropped), so a typo in a field
 * name is a 400 that names it rather than a request that "worked" without it.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}
