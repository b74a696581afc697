import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorBody } from '../error-body';

/** The error statuses the API answers with its one error body (SPEC section 7). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

/** What each status means in this API, unless the route says more. */
const MEANING: Record<ErrorStatus, string> = {
  400: 'Invalid input: `details` lists every problem, one entry per field or row',
  401: 'Nobody is signed in, or the bearer token is invalid or expired',
  403: 'The caller may not do this (route policy, or a finer rule named in `message`)',
  404: 'No such resource',
  409: 'The resource is not in a state that allows this',
  413: 'The body is larger than the API accepts (10 MB)',
  429: 'Too many requests from this caller: wait and retry',
  503: 'A service this call needs is unreachable right now: retry later',
};

/** A status alone (the standard meaning) or with the route's own wording. */
export type ErrorSpec = ErrorStatus | [ErrorStatus, string];

/**
 * Documents error responses, each with the one error body `{ statusCode, error, message, details? }`
 * that HttpExceptionFilter writes. Sign-in and rate-limit errors come from the route policy
 * decorators (`@Authenticated`, `@Roles`, `@PublicRoute`), so routes list only their own:
 * `@ApiErrors(400, [404, 'No such identity'], 409)`.
 */
export function ApiErrors(...specs: ErrorSpec[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...specs.map((spec) => {
      const [status, description] = Array.isArray(spec) ? spec : [spec, MEANING[spec]];
      return ApiResponse({ status, description, type: ErrorBody });
    }),
  );
}

/**
 * A 200 that is JSON (the `type`) by default and CSV text with `format=csv`. Documented per media
 * type on the success response only, so the errors of the same route stay `application/json`.
 */
export function ApiJsonOrCsvResponse(type: new () => object, description: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(type),
    ApiResponse({
      status: 200,
      description,
      content: { 'application/json': { schema: { $ref: getSchemaPath(type) } }, 'text/csv': { schema: { type: 'string' } } },
    }),
  );
}
