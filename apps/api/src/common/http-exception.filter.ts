import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';

/**
 * Every error leaves the API as `{ statusCode, error, message, details? }`. Unknown errors are
 * logged and answered as 500 without internals; the body-parser's own 4xx errors keep their status.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { statusCode, message, details } = this.describe(exception);
    if (statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    const body: Record<string, unknown> = {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message,
    };
    if (details !== undefined) body.details = details;
    if (statusCode === HttpStatus.SERVICE_UNAVAILABLE && !res.headersSent) res.setHeader('Retry-After', '5');
    if (!res.headersSent) res.status(statusCode).json(body);
  }

  private describe(exception: unknown): { statusCode: number; message: string; details?: unknown } {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') return { statusCode, message: response };
      const r = response as { message?: unknown; details?: unknown };
      if (Array.isArray(r.message)) {
        return { statusCode, message: 'Invalid input', details: r.details ?? r.message };
      }
      return {
        statusCode,
        message: typeof r.message === 'string' ? r.message : exception.message,
        details: r.details,
      };
    }
    // Errors raised by Express middleware (body-parser: malformed JSON, payload too large).
    const e = exception as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
    const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
    if (status && status >= 400 && status < 500) {
      return { statusCode: status, message: e.expose && typeof e.message === 'string' ? e.message : STATUS_CODES[status] ?? 'Bad Request' };
    }
    if (isDependencyUnavailable(exception)) {
      return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, message: 'A service this call needs (database or workflow engine) is unreachable right now: retry later' };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}

/** Socket errors of a peer that is down or restarting. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** PostgreSQL SQLSTATEs of a server shutting down or not yet accepting connections (class 08 and 57P0x). */
const PG_UNAVAILABLE = /^(08\d{3}|57P0[1-3])$/;
/** gRPC UNAVAILABLE, as the Temporal client reports an unreachable frontend. */
const GRPC_UNAVAILABLE = 14;

/**
 * True when the error (or any error in its `cause` chain) says a dependency is unreachable rather than
 * that the call is wrong: the answer is 503 with Retry-After, so clients retry instead of treating a
 * restart of PostgreSQL or Temporal as a bug (found by the chaos run, ADR 165). Nothing was
 * acknowledged, so retrying is safe.
 */
export function isDependencyUnavailable(exception: unknown): boolean {
  for (let e: unknown = exception, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const x = e as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    if (x.name === 'ConnectionException') return true;
    if (typeof x.code === 'string' && (NETWORK_CODES.has(x.code) || PG_UNAVAILABLE.test(x.code))) return true;
    if (x.code === GRPC_UNAVAILABLE) return true;
    if (typeof x.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}
