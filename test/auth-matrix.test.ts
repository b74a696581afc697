import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../apps/api/src/app.module';
import { POLICY_DENIED } from '../apps/api/src/auth/auth.guard';
import { APP_ROLES, type AppRole, type RoutePolicy } from '../apps/api/src/auth/policy';
import { RouteInventory, type RouteEntry } from '../apps/api/src/auth/route-inventory';
import { startApi } from './support/api';
import { createIdentity, startAuthHarness, type AuthHarness } from './support/auth';
import { freshDatabase, testConfig, type TestDatabase } from './support/services';

type Caller = { name: string; role: AppRole | 'none' | 'anonymous' };
const CALLERS: Caller[] = [
  { name: 'anonymous', role: 'anonymous' },
  { name: 'no internal role', role: 'none' },
  ...APP_ROLES.map((role) => ({ name: role, role })),
];

type Expectation = 'allowed' | 'unauthenticated' | 'forbidden';

function expected(policy: RoutePolicy, caller: Caller): Expectation | 'any' {
  if (policy.kind === 'public') return 'any'; // the handler decides (e.g. an HMAC check)
  if (caller.role === 'anonymous') return 'unauthenticated';
  if (policy.kind === 'authenticated') return 'allowed';
  return policy.roles.includes(caller.role as AppRole) ? 'allowed' : 'forbidden';
}

function outcome(status: number, message: unknown): Expectation | 'other' {
  if (status === 401) return 'unauthenticated';
  if (status === 403 && typeof message === 'string' && message.startsWith(POLICY_DENIED)) return 'forbidden';
  return 'allowed'; // past the guard: the handler answered (2xx, 400, 404, 409, or its own 403)
}

/** Express 5 route paths of the running app (what actually answers), without the swagger UI. */
function expressRoutes(app: Awaited<ReturnType<typeof startApi>>['app']): string[] {
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router;
  return router.stack
    // Middleware mounted for every method (Nest's MiddlewareConsumer) is not a route.
    .filter((l) => l.route && !l.route.path.startsWith('/docs') && !l.route.methods._all && Object.keys(l.route.methods).length < 10)
    .flatMap((l) => Object.keys(l.route!.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${l.route!.path}`));
}

describe('route-by-role access matrix', () => {
  let db: TestDatabase;
  let auth: AuthHarness;
  let api: Awaited<ReturnType<typeof startApi>>;
  let routes: RouteEntry[];
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    db = await freshDatabase();
    auth = await startAuthHarness(db);
    api = await startApi(auth.config);
    routes = api.app.get(RouteInventory).routes();
    for (const c of CALLERS) {
      if (c.role === 'anonymous') continue;
      const username = `matrix-${c.role.replace('_', '-')}`;
      await createIdentity(db, { key: username, username, roles: c.role === 'none' ? [] : [c.role] });
      tokens.set(c.name, await auth.tokenFor(username));
    }
  });

  afterAll(async () => {
    await api?.close();
    await auth?.stop();
    await db?.drop();
  });

  it('finds every route the HTTP server answers, each with a declared policy', () => {
    const declared = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const served = expressRoutes(api.app);
    expect(served).toContain('GET /api/v1/me');
    expect(served.filter((r) => !declared.has(r))).toEqual([]);
    expect(routes.filter((r) => !r.policy)).toEqual([]);
    expect(declared).toContain('GET /api/v1/me');
    expect(declared).toContain('PUT /api/v1/identities/:key/app-roles');
  });

  it('answers every route x every internal role (and anonymous) as its policy declares', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, 'matrix-probe').replace(/\{?\*\w+\}?/g, 'matrix-probe');
      for (const caller of CALLERS) {
        const want = expected(route.policy!, caller);
        if (want === 'any') continue;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        const token = tokens.get(caller.name);
        if (token) headers.authorization = `Bearer ${token}`;
        const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(route.method);
        const res = await fetch(`${api.url}${path}`, { method: route.method, headers, body: hasBody ? '{}' : undefined, redirect: 'manual' });
        const text = await res.text();
        let message: unknown;
        try {
          message = (JSON.parse(text) as { message?: unknown }).message;
        } catch {
          message = undefined;
        }
        const got = outcome(res.status, message);
        checked++;
        if (got !== want) mismatches.push(`${route.method} ${route.path} as ${caller.name}: expected ${want}, got ${res.status} ${String(message)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(CALLERS.length);
    if (process.env.JML_PRINT_ROUTES) {
      process.stdout.write(`${routes.map((r) => `| ${r.method} | ${r.path} | ${r.policy!.kind === 'roles' ? r.policy!.roles.join(', ') : r.policy!.kind} |`).join('\n')}\n`);
    }
  });

  it('refuses to start an application with a route that declares no policy', async () => {
    @Controller('api/v1/undeclared')
    class UndeclaredController {
      @Get()
      list(): string[] {
        return ['reachable by anyone if this started'];
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(testConfig(db, { LOG_LEVEL: 'silent' }))],
      controllers: [UndeclaredController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(/missing on:\n {2}GET \/api\/v1\/undeclared \(UndeclaredController\.list\)/);
    await app.close().catch(() => undefined);
  });
});
