import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Config } from './config';

/** Injection token of the validated `Config` object. */
export const CONFIG = Symbol('CONFIG');

/** Makes the already-validated config injectable everywhere; validation happened in main(). */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: Config): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
