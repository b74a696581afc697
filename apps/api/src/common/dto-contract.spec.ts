import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import * as catalogInputs from '../../../../libs/catalog/inputs';
import * as appRoles from '../auth/app-roles.dto';
import * as audit from '../audit/audit.dto';
import * as queries from '../catalog/queries';
import * as leaverSla from '../leavers/leaver-sla.dto';
import * as leaver from '../leavers/leaver.dto';
import * as requests from '../requests/requests.dto';
import * as certifications from '../certifications/certifications.dto';
import * as manualEffort from '../reports/manual-effort.dto';
import { PageQueryDto } from './paging.dto';

type Cls = new () => object;
const modules = [catalogInputs, appRoles, audit, queries, leaverSla, leaver, requests, manualEffort, certifications, { PageQueryDto }];

/** Every class of these modules that class-validator knows: the API's inputs. */
const inputClasses: Cls[] = modules
  .flatMap((m) => Object.values(m))
  .filter((v): v is Cls => typeof v === 'function' && getMetadataStorage().getTargetValidationMetadatas(v as Cls, '', true, false).length > 0);

function swaggerRequired(cls: Cls): string[] {
  const names = (Reflect.getMetadata('swagger/apiModelPropertiesArray', cls.prototype) as string[] | undefined) ?? [];
  return names
    .map((n) => n.replace(/^:/, ''))
    .filter((n) => (Reflect.getMetadata('swagger/apiModelProperties', cls.prototype, n) as { required?: boolean } | undefined)?.required !== false)
    .sort();
}

/** Fields required only in some cases (`@ValidateIf`, e.g. "exactly one of cron and every") are optional in the document. */
function conditional(cls: Cls): Set<string> {
  return new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
}

function validatorRequired(cls: Cls): string[] {
  const errors = validateSync(plainToInstance(cls, {}), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((e) => e.property).filter((p) => !conditional(cls).has(p)).sort();
}

describe('input DTOs: one contract for the validator and the OpenAPI document', () => {
  it('finds the input classes', () => {
    expect(inputClasses.length).toBeGreaterThan(20);
  });

  it.each(inputClasses.map((c) => [c.name, c] as const))('%s: the fields the document requires are exactly the ones validation requires', (_name, cls) => {
    expect(validatorRequired(cls)).toEqual(swaggerRequired(cls));
  });

  it.each(inputClasses.map((c) => [c.name, c] as const))('%s: a nested object field refuses an array or a scalar', (_name, cls) => {
    const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    const nested = metas.filter((m) => m.type === 'nestedValidation' && !m.each).map((m) => m.propertyName);
    for (const field of nested) {
      for (const bad of [[], 'x', 3]) {
        const errors = validateSync(plainToInstance(cls, { [field]: bad }), { whitelist: true });
        expect(errors.map((e) => e.property)).toContain(field);
      }
    }
  });
});
