import type { NextFunction, Request, Response } from 'express';
import type { OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Resource {
  pattern: RegExp;
  /** Path parameters in the template: with several matches, the most literal template is the route. */
  params: number;
  methods: Set<string>;
}

/** `/api/v1/roles/{key}/versions/{version}` as an anchored regular expression over one path segment per parameter. */
function templateToRegExp(template: string): RegExp {
  const escaped = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/]+')}/?$`);
}

/** The methods each documented path answers (HEAD comes with GET, as Express serves it). */
export function resourcesOf(document: OpenAPIObject): Resource[] {
  return Object.entries(document.paths).map(([template, item]) => {
    const methods = new Set(METHODS.filter((m) => item[m]).map((m) => m.toUpperCase()));
    if (methods.has('GET')) methods.add('HEAD');
    return { pattern: templateToRegExp(template), params: (template.match(/\{/g) ?? []).length, methods };
  });
}

/**
 * HTTP semantics for a documented path asked with a method it does not have (RFC 9110 15.5.6):
 * 405 with an `Allow` header and the one error body, instead of Express's 404 "Cannot TRACE".
 * OPTIONS answers 204 with the same `Allow`. Paths outside the document pass through untouched.
 */
export function methodNotAllowed(document: OpenAPIObject) {
  const resources = resourcesOf(document);
  return (req: Request, res: Response, next: NextFunction): void => {
    const candidates = resources.filter((r) => r.pattern.test(req.path));
    if (candidates.length === 0) return next();
    // `/requests/leaver` is the leaver resource, not `/requests/{id}` with id "leaver".
    const fewest = Math.min(...candidates.map((r) => r.params));
    const matching = candidates.filter((r) => r.params === fewest);
    const allowed = new Set(matching.flatMap((r) => [...r.methods]));
    if (allowed.has(req.method)) return next();
    const allow = [...allowed, 'OPTIONS'].join(', ');
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    res.status(405).json({ statusCode: 405, error: 'Method Not Allowed', message: `${req.method} is not allowed on ${req.path} (allowed: ${allow})` });
  };
}
