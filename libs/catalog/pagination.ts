import { createHash } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import { unstorableText } from '../domain/text';

/**
 * Keyset paging shared by every list endpoint (ADR 080): one default and one maximum `limit`,
 * and one cursor codec. A cursor names the list it belongs to and carries a checksum, so a
 * cursor that was tampered with, truncated or taken from another list is a 400 on `cursor`,
 * never a query with junk in it. The checksum is not a secret: a cursor grants nothing, it only
 * says where the next page starts.
 */
export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 500;
/** Longest cursor the API accepts (the longest key parts are identity and role keys). */
export const CURSOR_MAX_LENGTH = 1000;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

/** What one part of a list's sort key may be; the decoder refuses anything else. */
export type CursorPart = 'text' | 'int' | 'uuid' | 'timestamp';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Timestamps travel at PostgreSQL's precision (microseconds): a millisecond cursor skips rows.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const PART_OK: Record<CursorPart, (v: string) => boolean> = {
  text: (v) => v.length > 0 && v.length <= 300 && unstorableText(v) === null,
  int: (v) => /^\d{1,18}$/.test(v),
  uuid: (v) => UUID.test(v),
  timestamp: (v) => TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)),
};

/** SQL that renders a timestamptz column the way a `timestamp` cursor part carries it. */
export const cursorTimestampSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function invalidCursor(problem: string): BadRequestException {
  return new BadRequestException({ message: 'Invalid input', details: [{ path: 'cursor', problems: [problem] }] });
}

function checksum(list: string, payload: string): string {
  return createHash('sha256').update(`${list}\n${payload}`).digest('base64url').slice(0, 16);
}

export interface CursorCodec {
  /** The list this codec belongs to, e.g. `requests` or `roles/{key}/versions`. */
  readonly list: string;
  encode(key: string[]): string;
  /** null without a cursor; the key parts of a valid cursor of this list; else 400 on `cursor`. */
  decode(cursor: string | undefined): string[] | null;
}

export function cursorCodec(list: string, parts: readonly CursorPart[]): CursorCodec {
  return {
    list,
    encode(key) {
      const payload = Buffer.from(JSON.stringify({ l: list, k: key }), 'utf8').toString('base64url');
      return `${payload}.${checksum(list, payload)}`;
    },
    decode(cursor) {
      if (cursor === undefined || cursor === '') return null;
      const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})$/.exec(cursor);
      if (!m || cursor.length > CURSOR_MAX_LENGTH) throw invalidCursor('is not a cursor this service issued (use nextCursor as given)');
      const [, payload, sum] = m;
      let body: { l?: unknown; k?: unknown };
      try {
        body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof body;
      } catch {
        throw invalidCursor('is not a cursor this service issued (use nextCursor as given)');
      }
      if (typeof body?.l === 'string' && body.l !== list) throw invalidCursor(`belongs to another list (${body.l}), not ${list}`);
      if (sum !== checksum(list, payload)) throw invalidCursor('was altered (use nextCursor as given)');
      const key = body.k;
      if (!Array.isArray(key) || key.length !== parts.length || !key.every((v, i) => typeof v === 'string' && PART_OK[parts[i]](v))) {
        throw invalidCursor('is not a cursor this service issued (use nextCursor as given)');
      }
      return key as string[];
    },
  };
}

/** The page size to use: the default when absent. The DTO has already refused values outside 1..max. */
export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? PAGE_LIMIT_DEFAULT, 1), PAGE_LIMIT_MAX);
}

/** `rows` were fetched with limit + 1: the extra one tells there is a next page. */
export function toPage<T, R>(rows: R[], limit: number, codec: CursorCodec, keyOf: (r: R) => string[], view: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { items: page.map(view), nextCursor: more ? codec.encode(keyOf(page[page.length - 1])) : null };
}
