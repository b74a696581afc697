import { BadRequestException, ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldProblem {
  path: string;
  problems: string[];
}

/** Flattens nested class-validator errors into one entry per invalid field, with its full path. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push({ path, problems: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

/** Strict input validation: unknown fields are errors, every problem is reported at once. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new BadRequestException({ message: 'Invalid input', details: flattenValidationErrors(errors) }),
  });
}

/**
 * The `{id}` path parameter of requests, tasks and leavers: a version-4 UUID, else 400 in the one
 * error shape with the field named (`details: [{ path: 'id', ... }]`), like every other bad input.
 * Nest's own message, "Validation failed (uuid v 4 is expected)", named no field.
 */
export const uuidParam = new ParseUUIDPipe({
  version: '4',
  exceptionFactory: () => new BadRequestException({ message: ['Invalid input'], details: [{ path: 'id', problems: ['id must be a UUID (version 4)'] }] }),
});
