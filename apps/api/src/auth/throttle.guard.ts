import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './auth.guard';

/**
 * Rate limit per caller: a signed-in principal by identity or client id, anyone else by IP.
 * Runs after the auth guard, so the principal is known. Health and metrics are not limited.
 */
@Injectable()
export class CallerThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as unknown as AuthenticatedRequest).principal;
    if (principal) return `${principal.kind}:${principal.identityKey ?? principal.clientId ?? principal.username}`;
    return `ip:${(req as unknown as AuthenticatedRequest).ip ?? 'unknown'}`;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const path = context.switchToHttp().getRequest<AuthenticatedRequest>().path ?? '';
    return path.startsWith('/health') || path === '/metrics';
  }
}
