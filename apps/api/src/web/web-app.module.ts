import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths the web app never answers: the API, sign-in, docs, health and metrics keep their own 404s. */
export const RESERVED_PREFIXES = ['/api', '/auth', '/docs', '/health', '/metrics'];

export function isReserved(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}-`));
}

/** The repository root (where package.json is), from the compiled or the source location. */
function projectRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where `npm run build` puts the web app (`WEB_DIR` overrides it, e.g. in a container image). */
export function webDir(): string {
  return process.env.WEB_DIR ?? join(projectRoot(__dirname), 'dist', 'web');
}

/**
 * Serves the built web application (apps/web) from the same origin as the API, so the browser
 * session of /auth/login is all it needs. Files by path (hashed assets cached for a year), and
 * index.html for every other GET (deep links such as /requests/<id>), never for reserved paths.
 * A middleware rather than a route: it runs after the security headers and the session
 * middleware, and declares no controller route that would need an access policy.
 */
@Module({})
export class WebAppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    const dir = webDir();
    const index = join(dir, 'index.html');
    const files = express.static(dir, {
      index: false,
      fallthrough: true,
      setHeaders: (res, path) => {
        const hashed = path.includes(`${join(dir, 'assets')}`);
        res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    const spa = (req: Request, res: Response, next: NextFunction) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || isReserved(req.path)) return next();
      files(req, res, () => {
        if (!existsSync(index)) {
          res.status(404).type('text/plain').send('The web application is not built: run `npm run build`.');
          return;
        }
        // Read per request: a rebuild is picked up without a restart, and the file is small.
        res.setHeader('Cache-Control', 'no-cache');
        res.type('html').send(readFileSync(index, 'utf8'));
      });
    };
    consumer.apply(spa).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
