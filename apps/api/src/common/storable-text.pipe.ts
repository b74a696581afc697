import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { unstorableText } from '../../../../libs/domain/text';
import type { FieldProblem } from './validation';

/** Every string (and object key) in `value` that cannot be stored as text, with its path. */
export function unstorableFields(value: unknown, path: string, out: FieldProblem[] = []): FieldProblem[] {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    if (problem) out.push({ path: path || 'body', problems: [problem] });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorableFields(v, at(String(i)), out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const keyProblem = unstorableText(k);
      if (keyProblem) out.push({ path: at(JSON.stringify(k)), problems: [`field name ${keyProblem}`] });
      else unstorableFields(v, at(k), out);
    }
  }
  return out;
}

/**
 * One global rule for every text input (ADR 080): a path parameter, a query value or any string
 * in a JSON body that PostgreSQL cannot store (a NUL character, an unpaired surrogate) is a 400
 * naming the field, before any handler runs, so nothing is started or half-written.
 * Runs before the validation pipe, on the raw values.
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type === 'custom') return value;
    // A named argument (`@Param('key')`, `@Query('x')`) is its own path; a whole body or query object is the root.
    const problems = unstorableFields(value, meta.data ?? '');
    if (problems.length > 0) throw new BadRequestException({ message: 'Invalid input', details: problems });
    return value;
  }
}
