import { CsvSyntaxError, parseCsv } from '../../csv/csv';

/** The catalog bundle format (JSON); CSV files per entity map onto the same rows. */
export const BUNDLE_FORMAT = 'jml.catalog/v1';
export const BUNDLE_VERSION = 1;
export const ENTITIES = ['systems', 'entitlements', 'roles', 'sodRules', 'identities', 'access'] as const;
export type BundleEntity = (typeof ENTITIES)[number];

/** One input row and where it came from: its index in the JSON array (1-based) or its CSV line. */
export interface SourceRow {
  entity: BundleEntity;
  row: number;
  data: unknown;
}

export interface ImportProblem {
  entity: BundleEntity | 'bundle';
  row: number | null;
  path: string;
  problems: string[];
}

export interface CollectedRows {
  rows: Record<BundleEntity, SourceRow[]>;
  problems: ImportProblem[];
  /** Whether systems' entitlements come as their own rows (CSV) rather than nested (JSON). */
  separateEntitlements: boolean;
}

const empty = (): Record<BundleEntity, SourceRow[]> => ({ systems: [], entitlements: [], roles: [], sodRules: [], identities: [], access: [] });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Splits a JSON bundle `{ version, systems, roles, sodRules, identities, access }` into rows. */
function fromJson(body: Record<string, unknown>): CollectedRows {
  const out: CollectedRows = { rows: empty(), problems: [], separateEntitlements: false };
  const known = new Set(['format', 'version', 'exportedAt', 'systems', 'roles', 'sodRules', 'identities', 'access']);
  for (const k of Object.keys(body)) if (!known.has(k)) out.problems.push({ entity: 'bundle', row: null, path: k, problems: [`unknown bundle property "${k}"`] });
  if (body.version !== undefined && body.version !== BUNDLE_VERSION && body.version !== String(BUNDLE_VERSION)) {
    out.problems.push({ entity: 'bundle', row: null, path: 'version', problems: [`unsupported bundle version; this service reads version ${BUNDLE_VERSION}`] });
  }
  for (const entity of ['systems', 'roles', 'sodRules', 'identities', 'access'] as const) {
    const list = body[entity];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      out.problems.push({ entity, row: null, path: entity, problems: [`${entity} must be an array`] });
      continue;
    }
    out.rows[entity] = list.map((data, i) => ({ entity, row: i + 1, data }));
  }
  return out;
}

const CSV_COLUMNS: Record<BundleEntity, { list?: string[]; json?: string[]; int?: string[]; bool?: string[] }> = {
  systems: { list: ['owners'], int: ['deprovisionSlaHours'] },
  entitlements: { bool: ['privileged'] },
  roles: { json: ['entitlements', 'approvalPolicy'], int: ['version'] },
  sodRules: { json: ['sets'] },
  identities: {},
  access: { int: ['roleVersion'], list: ['approvedBy'] },
};

/** Turns CSV cells into the JSON row shape: lists are `;`-separated, JSON columns hold JSON, empty is absent. */
function csvRow(entity: BundleEntity, values: Record<string, string>): { data: Record<string, unknown>; problems: { path: string; problems: string[] }[] } {
  const spec = CSV_COLUMNS[entity];
  const data: Record<string, unknown> = {};
  const problems: { path: string; problems: string[] }[] = [];
  // Cells arrive trimmed and mapped back from their formula-safe form (parseCsv).
  for (const [k, v] of Object.entries(values)) {
    if (spec.list?.includes(k)) data[k] = v === '' ? [] : v.split(';').map((s) => s.trim()).filter(Boolean);
    else if (v === '') continue;
    else if (spec.json?.includes(k)) {
      try {
        data[k] = JSON.parse(v);
      } catch {
        problems.push({ path: k, problems: [`${k} must be JSON`] });
      }
    } else if (spec.int?.includes(k)) data[k] = /^-?\d+$/.test(v) ? Number(v) : v;
    else if (spec.bool?.includes(k)) data[k] = v === 'true' ? true : v === 'false' ? false : v;
    else data[k] = v;
  }
  return { data, problems };
}

/** Splits `{ csv: { systems: "...", entitlements: "...", ... } }` into rows (row = CSV line number). */
function fromCsv(csv: Record<string, unknown>): CollectedRows {
  const out: CollectedRows = { rows: empty(), problems: [], separateEntitlements: true };
  for (const [entity, text] of Object.entries(csv)) {
    if (!(ENTITIES as readonly string[]).includes(entity)) {
      out.problems.push({ entity: 'bundle', row: null, path: `csv.${entity}`, problems: [`unknown CSV file "${entity}"; expected one of ${ENTITIES.join(', ')}`] });
      continue;
    }
    const e = entity as BundleEntity;
    if (typeof text !== 'string') {
      out.problems.push({ entity: e, row: null, path: `csv.${entity}`, problems: ['must be the CSV text'] });
      continue;
    }
    try {
      for (const r of parseCsv(text, { trim: true }).records) {
        const { data, problems } = csvRow(e, r.values);
        for (const p of problems) out.problems.push({ entity: e, row: r.line, ...p });
        out.rows[e].push({ entity: e, row: r.line, data });
      }
    } catch (err) {
      if (!(err instanceof CsvSyntaxError)) throw err;
      out.problems.push({ entity: e, row: err.line, path: '', problems: [err.message] });
    }
  }
  return out;
}

/** Reads a request body: a JSON bundle, or `{ csv: { <entity>: "<csv text>" } }`. */
export function collectRows(body: unknown): CollectedRows {
  if (!isObject(body)) return { rows: empty(), problems: [{ entity: 'bundle', row: null, path: '', problems: ['the body must be a JSON object'] }], separateEntitlements: false };
  if ('csv' in body) {
    const extra = Object.keys(body).filter((k) => k !== 'csv' && k !== 'format' && k !== 'version');
    const out = isObject(body.csv) ? fromCsv(body.csv) : { rows: empty(), problems: [{ entity: 'bundle' as const, row: null, path: 'csv', problems: ['csv must be an object of CSV texts'] }], separateEntitlements: true };
    for (const k of extra) out.problems.push({ entity: 'bundle', row: null, path: k, problems: [`unknown property "${k}" next to csv`] });
    return out;
  }
  return fromJson(body);
}
