import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** Where @nestjs/swagger keeps a property's `@ApiProperty` options (its own constant, not exported). */
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

type Schema = Record<string, unknown>;

/** The date regex some DTOs add beside `@IsISO8601`: the document says `format: date` for it. */
const DATE_ONLY = /^\^\\d\{4\}-\\d\{2\}-\\d\{2\}\$$/;

/**
 * The JSON Schema keywords one class-validator rule implies (ADR 150): the validation pipe and the
 * document then say the same thing, so a client generator and a fuzzer see the limits the API
 * enforces. Rules with no schema equivalent (a custom validator, a cross-field rule) add nothing.
 */
function keywordsOf(m: ValidationMetadata): Schema {
  const c = (m.constraints ?? []) as unknown[];
  switch (m.name) {
    case 'isInt': return { type: 'integer' };
    case 'isNumber': return { type: 'number' };
    case 'isBoolean': return { type: 'boolean' };
    case 'isString': return { type: 'string' };
    case 'min': return { minimum: c[0] };
    case 'max': return { maximum: c[0] };
    case 'minLength': return { type: 'string', minLength: c[0] };
    case 'maxLength': return { type: 'string', maxLength: c[0] };
    case 'isNotEmpty': return { minLength: 1 };
    case 'length': return { type: 'string', minLength: c[0], ...(c[1] !== undefined ? { maxLength: c[1] } : {}) };
    case 'matches': {
      const source = c[0] instanceof RegExp ? c[0].source : String(c[0]);
      return DATE_ONLY.test(source) ? { type: 'string', format: 'date', pattern: source } : { type: 'string', pattern: source };
    }
    case 'isIn': return { enum: c[0] };
    case 'isUUID': return { type: 'string', format: 'uuid' };
    case 'isEmail': return { type: 'string', format: 'email' };
    case 'isISO8601':
    case 'isDateString': return { type: 'string', format: 'date-time' };
    case 'arrayMinSize': return { minItems: c[0] };
    case 'arrayMaxSize': return { maxItems: c[0] };
    case 'arrayUnique': return { uniqueItems: true };
    // A custom rule whose first constraint is a regular expression (e.g. the username rule) states its shape.
    default: return c[0] instanceof RegExp ? { type: 'string', pattern: c[0].source } : {};
  }
}

/** `format: date-time` yields to a stricter `format: date` from the same property's pattern. */
function merge(into: Schema, add: Schema): Schema {
  if (into.format === 'date' && add.format === 'date-time') {
    const { format: _ignored, ...rest } = add;
    return { ...into, ...rest };
  }
  return { ...into, ...add };
}

/** Swagger's `type` (a constructor or a name) as a JSON Schema type name, when it is a scalar. */
function declaredType(type: unknown): string | undefined {
  if (type === String || type === 'string') return 'string';
  if (type === Number || type === 'number') return 'number';
  if (type === Boolean || type === 'boolean') return 'boolean';
  if (type === 'integer') return 'integer';
  return undefined;
}

function applyToProperty(target: object, property: string, rules: ValidationMetadata[]): void {
  const options = Reflect.getMetadata(SWAGGER_PROPERTY, target, property) as Schema | undefined;
  if (!options) return; // not in the document (e.g. a body read by hand)
  let own: Schema = {};
  let each: Schema = {};
  for (const rule of rules) {
    if (rule.each) each = merge(each, keywordsOf(rule));
    else own = merge(own, keywordsOf(rule));
  }
  const next: Schema = { ...options };
  const isArray = options.isArray === true || options.type === Array;
  const wanted = (isArray ? undefined : own.type) as string | undefined;
  const declared = declaredType(options.type);
  // A nullable `string | null` reflects as Object; an `@IsInt` number is an integer.
  if (wanted && (declared === undefined || (declared === 'number' && wanted === 'integer'))) next.type = wanted;
  const { type: _t, ...ownKeywords } = own;
  if (isArray) {
    const { minLength: _a, maxLength: _b, pattern: _c, format: _d, enum: _e, ...arrayKeywords } = ownKeywords;
    Object.assign(next, arrayKeywords);
    if (Object.keys(each).length > 0 && !options.enum) next.items = { ...(next.items as Schema | undefined), ...each };
  } else {
    const { minItems: _a, maxItems: _b, uniqueItems: _c, ...scalarKeywords } = ownKeywords;
    Object.assign(next, scalarKeywords, options.enum ? { enum: options.enum } : {});
  }
  Reflect.defineMetadata(SWAGGER_PROPERTY, next, target, property);
}

let applied = false;

/**
 * Copies every class-validator rule that JSON Schema can express into the `@ApiProperty` metadata
 * of the same property (bodies and query DTOs alike), once per process, before the document is
 * built. Conditional fields (`@ValidateIf`) keep their rules but stay optional.
 */
export function applyValidationRulesToSchemas(): void {
  if (applied) return;
  applied = true;
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<new () => object, ValidationMetadata[]> };
  for (const [target, metas] of storage.validationMetadatas) {
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const m of metas) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
    for (const [property, rules] of byProperty) applyToProperty(target.prototype as object, property, rules);
  }
}
