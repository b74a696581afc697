import { Module } from '@nestjs/common';
import { ManualEffortController } from './manual-effort.controller';

@Module({ controllers: [ManualEffortController] })
export class ReportsModule {}
