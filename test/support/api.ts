import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Config } from '../../libs/config/config';
import { createApiApp } from '../../apps/api/src/create-app';

/** The real API application, listening on a free loopback port. */
export async function startApi(config: Config): Promise<{ app: NestExpressApplication; url: string; close(): Promise<void> }> {
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const addr = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${addr.port}`, close: () => app.close() };
}
