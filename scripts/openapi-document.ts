// Writes the API's OpenAPI document without starting any service (no database, no Temporal):
// Nest's preview mode builds the module graph without instantiating providers, which is all the
// Swagger scanner reads. `npm run api:types` turns the document into the web app's types.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../libs/config/config';
import { AppModule } from '../apps/api/src/app.module';
import { openApiDocument } from '../apps/api/src/create-app';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node dist/scripts/openapi-document.js <output.json>');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', TEMPORAL_ADDRESS: '127.0.0.1:1' });
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false });
  const document = openApiDocument(app);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`openapi-document: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
