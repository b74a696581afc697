import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EvidenceController } from './evidence.controller';

@Module({ imports: [AuditModule], controllers: [EvidenceController] })
export class EvidenceModule {}
