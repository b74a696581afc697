import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { MikroORM } from '@mikro-orm/postgresql';
import session from 'express-session';
import helmet from 'helmet';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { AppRolesController } from './app-roles.controller';
import { AppRolesService } from './app-roles.service';
import { AuthController, SESSION_COOKIE } from './auth.controller';
import { AuthFailureLimit } from './auth-failure-limit';
import { AuthGuard } from './auth.guard';
import { BootstrapAdmins } from './bootstrap-admins';
import { MeController } from './me.controller';
import { OidcIssuerService } from './oidc-issuer.service';
import { OidcLogin, OidcLoginGuard } from './oidc-login';
import { PrincipalService } from './principal.service';
import { RouteInventory } from './route-inventory';
import { DEVELOPMENT_SESSION_SECRET } from './session-secret';
import { PgSessionStore } from './session-store';
import { SessionSweeper } from './session-sweeper';
import { CallerThrottlerGuard } from './throttle.guard';
const SESSION_HOURS = 8;

/**
 * Sign-in and the tool's own access control: bearer JWTs and browser sessions, the global
 * default-deny guard, internal roles, rate limiting and security headers.
 */
@Module({
  imports: [
    DiscoveryModule,
    PassportModule.register({ session: false }),
    ThrottlerModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: Config) => [{ name: 'per-minute', ttl: 60_000, limit: config.rateLimitPerMinute }],
    }),
  ],
  controllers: [AuthController, MeController, AppRolesController],
  providers: [
    OidcIssuerService,
    PrincipalService,
    OidcLogin,
    OidcLoginGuard,
    AppRolesService,
    BootstrapAdmins,
    RouteInventory,
    SessionSweeper,
    // Order matters: authenticate first, so the rate limit can count per principal.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: CallerThrottlerGuard },
  ],
  exports: [RouteInventory, PrincipalService, OidcIssuerService],
})
export class AuthModule implements NestModule, OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly orm: MikroORM,
    private readonly inventory: RouteInventory,
  ) {}

  onModuleInit(): void {
    this.inventory.assertEveryRouteHasPolicy();
  }

  configure(consumer: MiddlewareConsumer): void {
    const https = this.config.publicUrl.startsWith('https:');
    consumer
      .apply(
        // First: an address over its failed-authentication budget costs no token check (ADR 156).
        AuthFailureLimit,
        helmet({
          // Over plain http (development) neither HSTS nor upgrading requests makes sense.
          strictTransportSecurity: https || this.config.isProduction,
          contentSecurityPolicy: { directives: { upgradeInsecureRequests: https || this.config.isProduction ? [] : null } },
        }),
        session({
          name: SESSION_COOKIE,
          secret: this.config.sessionSecret ?? DEVELOPMENT_SESSION_SECRET,
          store: new PgSessionStore(this.orm),
          resave: false,
          saveUninitialized: false,
          rolling: false,
          // Behind a TLS-terminating proxy, X-Forwarded-Proto decides whether the cookie may be set.
          proxy: https ? true : undefined,
          cookie: {
            httpOnly: true,
            sameSite: 'lax',
            secure: this.config.isProduction || https,
            maxAge: SESSION_HOURS * 3600 * 1000,
            path: '/',
          },
        }),
      )
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
