import { Controller, Get, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Authenticated, PublicRoute, Roles } from './policy';
import { RouteInventory } from './route-inventory';

@Controller('api/v1/probe')
class DecoratedController {
  @Get()
  @Authenticated()
  list(): string[] {
    return [];
  }

  @Post(':id/approve')
  @Roles('approver', 'admin')
  approve(): void {}
}

@PublicRoute()
@Controller('open')
class ClassLevelPolicyController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }
}

@Controller('api/v1/forgotten')
class UndecoratedController {
  @Get(':id')
  get(): string {
    return 'no policy here';
  }
}

async function inventoryOf(...controllers: unknown[]): Promise<RouteInventory> {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    controllers: controllers as never[],
    providers: [RouteInventory],
  }).compile();
  return moduleRef.get(RouteInventory);
}

describe('RouteInventory', () => {
  it('lists every route with its method, full path and declared policy', async () => {
    const routes = (await inventoryOf(DecoratedController, ClassLevelPolicyController)).routes();
    expect(routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/api/v1/probe', policy: { kind: 'authenticated' } }),
        expect.objectContaining({ method: 'POST', path: '/api/v1/probe/:id/approve', policy: { kind: 'roles', roles: ['approver', 'admin'] } }),
        expect.objectContaining({ method: 'GET', path: '/open/ping', policy: { kind: 'public' } }),
      ]),
    );
    expect(routes).toHaveLength(3);
  });

  it('accepts an application where every route declares a policy', async () => {
    const inventory = await inventoryOf(DecoratedController, ClassLevelPolicyController);
    expect(() => inventory.assertEveryRouteHasPolicy()).not.toThrow();
  });

  it('refuses an application with a route that declares no policy, naming it', async () => {
    const inventory = await inventoryOf(DecoratedController, UndecoratedController);
    expect(() => inventory.assertEveryRouteHasPolicy()).toThrow(/GET \/api\/v1\/forgotten\/:id \(UndecoratedController\.get\)/);
  });
});
