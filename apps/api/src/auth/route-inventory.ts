import { Injectable } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ROUTE_POLICY, type RoutePolicy } from './policy';

export interface RouteEntry {
  method: string;
  /** Express-style path, e.g. `/api/v1/identities/:key/app-roles`. */
  path: string;
  controller: string;
  handler: string;
  /** Undefined when the route declares no policy (which is refused). */
  policy: RoutePolicy | undefined;
}

function joinPath(...parts: (string | string[] | undefined)[]): string {
  const segs = parts
    .map((p) => (Array.isArray(p) ? p[0] : p) ?? '')
    .flatMap((p) => p.split('/'))
    .filter((s) => s.length > 0);
  return `/${segs.join('/')}`;
}

/**
 * Every HTTP route of the application, from Nest's own controller metadata (the same metadata
 * the router is built from), with the access policy each declares.
 */
@Injectable()
export class RouteInventory {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): RouteEntry[] {
    const out: RouteEntry[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, metatype) as string | string[] | undefined;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (path === undefined) continue; // not a route handler
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? 'GET';
        out.push({
          method,
          path: joinPath(prefix, path),
          controller: metatype.name,
          handler: name,
          policy: this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [handler, metatype]),
        });
      }
    }
    return out;
  }

  /** Default deny: start-up stops when any route declares no policy, naming each one. */
  assertEveryRouteHasPolicy(): void {
    const missing = this.routes().filter((r) => !r.policy);
    if (missing.length > 0) {
      throw new Error(
        `Every route must declare its access policy (@PublicRoute, @Authenticated or @Roles); missing on:\n` +
          missing.map((r) => `  ${r.method} ${r.path} (${r.controller}.${r.handler})`).join('\n'),
      );
    }
  }
}
