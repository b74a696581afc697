import { BadRequestException } from '@nestjs/common';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

/** Cursors are opaque to clients: the base64url of the last key of the page. */
export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith('k:')) throw new BadRequestException({ message: 'Invalid input', details: [{ path: 'cursor', problems: ['cursor is not valid'] }] });
  return raw.slice(2);
}

export function encodeCursor(lastKey: string): string {
  return Buffer.from(`k:${lastKey}`, 'utf8').toString('base64url');
}

export function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 50, 1), 500);
}

/** `rows` were fetched with limit + 1: the extra one tells there is a next page. */
export function toPage<T, R>(rows: R[], limit: number, keyOf: (r: R) => string, view: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { items: page.map(view), nextCursor: more ? encodeCursor(keyOf(page[page.length - 1])) : null };
}
