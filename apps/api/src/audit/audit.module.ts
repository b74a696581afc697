import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { CheckpointService } from './checkpoint.service';

@Module({ controllers: [AuditController], providers: [CheckpointService], exports: [CheckpointService] })
export class AuditModule {}
