import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { Config } from '../../../../libs/config/config';
import { CONFIG } from '../../../../libs/config/config.module';
import { OidcIssuer } from '../../../../libs/auth/oidc-issuer';

/** The configured IdP (`OIDC_ISSUER`, or the dev IdP), shared by bearer checks and browser sign-in. */
@Injectable()
export class OidcIssuerService {
  private readonly issuer: OidcIssuer | null;

  constructor(@Inject(CONFIG) config: Config) {
    const { issuer, audience, clientId } = config.oidc;
    this.issuer = issuer ? new OidcIssuer(issuer, audience, clientId) : null;
  }

  get(): OidcIssuer {
    if (!this.issuer) throw new ServiceUnavailableException('No identity provider is configured (OIDC_ISSUER)');
    return this.issuer;
  }
}
