import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Config } from '../../../libs/config/config';
import { ConfigModule } from '../../../libs/config/config.module';
import { pinoParams } from '../../../libs/config/logging';
import { persistenceModule } from '../../../libs/persistence/persistence.module';

/** The worker's application context: configuration, logging and the database; no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), LoggerModule.forRoot(pinoParams(config, 'worker')), persistenceModule()],
    };
  }
}
