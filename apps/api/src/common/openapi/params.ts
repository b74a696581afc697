import { ApiParam } from '@nestjs/swagger';

/** A version-4 UUID, the only kind `ParseUUIDPipe({ version: '4' })` accepts (anything else is a 400). */
export const UUID_V4 = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$';

/** Documents a path parameter that must be a version-4 UUID. */
export const UuidParam = (name = 'id', description?: string) =>
  ApiParam({ name, description, schema: { type: 'string', format: 'uuid', pattern: UUID_V4 } });

/** Documents a path parameter that is a catalog key (system, role, SoD rule) or an identity key. */
export const KeyParam = (name: string, pattern: RegExp, example: string, description?: string) =>
  ApiParam({ name, description, example, schema: { type: 'string', pattern: pattern.source } });
