import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { Config } from '../../../libs/config/config';
import { ConfigModule } from '../../../libs/config/config.module';
import { pinoParams } from '../../../libs/config/logging';
import { persistenceModule } from '../../../libs/persistence/persistence.module';
import { TemporalClientModule } from '../../../libs/temporal/temporal-client.module';
import { HealthController } from './health/health.controller';
import { RequestsModule } from './requests/requests.module';
import { AuditModule } from './audit/audit.module';
import { MetricsModule } from './metrics/metrics';
import { AuthModule } from './auth/auth.module';
import { TicketsModule } from './tickets/tickets.module';
import { LeaversModule } from './leavers/leavers.module';
import { CatalogModule } from './catalog/catalog.module';
import { EvidenceModule } from './evidence/evidence.module';
import { ReportsModule } from './reports/reports.module';
import { CertificationsModule } from './certifications/certifications.module';
import { WebAppModule } from './web/web-app.module';

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(pinoParams(config, 'api')),
        persistenceModule(),
        TemporalClientModule,
        TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }),
        RequestsModule,
        AuditModule,
        MetricsModule,
        AuthModule,
        TicketsModule,
        LeaversModule,
        CatalogModule,
        EvidenceModule,
        ReportsModule,
        CertificationsModule,
        // Last: its middleware runs after the security headers and the session.
        WebAppModule,
      ],
      controllers: [HealthController],
    };
  }
}
