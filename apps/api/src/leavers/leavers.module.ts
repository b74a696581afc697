import { Module } from '@nestjs/common';
import { TemporalClientModule } from '../../../../libs/temporal/temporal-client.module';
import { LeaverController } from './leaver.controller';
import { LeaverService } from './leaver.service';

@Module({ imports: [TemporalClientModule], controllers: [LeaverController], providers: [LeaverService] })
export class LeaversModule {}
