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
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}
