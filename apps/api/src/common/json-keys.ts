import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { visit, type JSONPath } from 'jsonc-parser';
import { TextDecoder } from 'node:util';

/**
 * Keys that class-transformer drops without a word (its guard against prototype pollution), so the
 * whitelist never sees them: refused here like any other field the API does not have.
 */
const DROPPED_KEYS = new Set(['__proto__', 'constructor']);

export interface KeyProblem {
  path: string;
  problems: string[];
}

const pathText = (path: JSONPath, key: string): string => [...path, key].join('.');

/**
 * Every object key of a JSON text that the parsed body cannot represent faithfully: a key given
 * twice in one object (JSON.parse keeps the last silently, so `{"decision":"approve",
 * "decision":"reject"}` would be read differently by a proxy, a log and this API), and the keys
 * of DROPPED_KEYS. Malformed JSON is not judged here (the body parser already refused it).
 */
export function ambiguousKeys(text: string): KeyProblem[] {
  const found: KeyProblem[] = [];
  const open: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => void open.push(new Set()),
      onObjectEnd: () => void open.pop(),
      onObjectProperty: (key, _offset, _length, _line, _char, path) => {
        const seen = open[open.length - 1];
        if (DROPPED_KEYS.has(key)) found.push({ path: pathText(path(), key), problems: [`property ${key} should not exist`] });
        else if (seen?.has(key)) found.push({ path: pathText(path(), key), problems: ['is given more than once in the same object'] });
        seen?.add(key);
      },
    },
    { disallowComments: true },
  );
  return found;
}

function decoderFor(req: Request): TextDecoder {
  const charset = /charset=["']?([^;"'\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset, { fatal: false });
  } catch {
    throw new UnsupportedMediaTypeException(`unsupported charset "${charset}"`);
  }
}

/**
 * Express middleware after the JSON body parser (ADR 176): a JSON body with a duplicate or dropped
 * key is a 400 listing each one by path, before any pipe, guard or handler sees it. Reads the raw
 * bytes the parser kept (`rawBody: true`), so the check sees exactly what the client sent.
 */
export function rejectAmbiguousJsonKeys(req: Request, _res: Response, next: NextFunction): void {
  const raw = (req as Request & { rawBody?: unknown }).rawBody;
  if (!Buffer.isBuffer(raw) || raw.length === 0 || !req.is('application/json')) return next();
  try {
    const problems = ambiguousKeys(decoderFor(req).decode(raw));
    if (problems.length > 0) return next(new BadRequestException({ message: ['Invalid input'], details: problems }));
    next();
  } catch (err) {
    next(err);
  }
}
