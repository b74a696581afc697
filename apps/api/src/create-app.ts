import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { Config } from '../../../libs/config/config';
import { AppModule } from './app.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { rejectAmbiguousJsonKeys } from './common/json-keys';
import { methodNotAllowed } from './common/method-not-allowed';
import { StorableTextPipe } from './common/storable-text.pipe';
import { createValidationPipe } from './common/validation';
import { applyValidationRulesToSchemas } from './common/openapi/validation-schema';

/**
 * Builds the API application (not listening yet). Shared by `main.ts` and the tests, so the
 * tests exercise exactly the pipes, filters and middleware that production runs.
 */
export async function createApiApp(config: Config): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.useBodyParser('json', { limit: '10mb' });
  app.use(rejectAmbiguousJsonKeys);
  app.useGlobalPipes(new StorableTextPipe(), createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());

  const document = openApiDocument(app);
  // Before the router: a documented path asked with another method is a 405, not a 404.
  app.use(methodNotAllowed(document));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** The OpenAPI document of the API (served at /docs-json; the web app's types are generated from it). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  applyValidationRulesToSchemas();
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('JML governance API')
      .setDescription(
        'Joiner, mover, leaver and access-certification processes with an append-only audit ledger. ' +
          'Errors are always `{ statusCode, error, message, details? }`.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
}

