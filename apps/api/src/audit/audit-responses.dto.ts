import { ApiProperty } from '@nestjs/swagger';
import { TimelineActorDto, TimelineSubjectDto } from '../requests/responses.dto';

/** Response shapes of the ledger endpoints (documented for clients; the web app's types come from them). */
export class AuditRowDto {
  @ApiProperty({ description: 'position in the hash chain' }) seq!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time', description: 'UTC, to the microsecond' }) occurredAt!: string;
  @ApiProperty({ type: TimelineActorDto }) actor!: TimelineActorDto;
  @ApiProperty({ example: 'approval.approved' }) action!: string;
  @ApiProperty({ type: TimelineSubjectDto }) subject!: TimelineSubjectDto;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: String, nullable: true }) campaignId!: string | null;
  @ApiProperty({ type: String, nullable: true }) workflowId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ description: 'the text the hash covers: PostgreSQL\'s canonical jsonb text of details' }) detailsText!: string;
  @ApiProperty() idempotencyKey!: string;
  @ApiProperty({ description: 'hash of the previous row (hex)' }) prevHash!: string;
  @ApiProperty({ description: 'hash of this row, covering its content and prevHash (hex)' }) hash!: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRowDto] }) items!: AuditRowDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ChainHeadDto {
  @ApiProperty() seq!: string;
  @ApiProperty() hash!: string;
}

export class BadRowDto {
  @ApiProperty() seq!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'what does not match, in words' }) reason!: string;
}

export class CheckpointRefDto {
  @ApiProperty() seq!: string;
  @ApiProperty() hash!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class BadCheckpointDto {
  @ApiProperty({ description: 'line of the checkpoint file' }) line!: number;
  @ApiProperty({ type: String, nullable: true }) seq!: string | null;
  @ApiProperty({ type: String, nullable: true }) at!: string | null;
  @ApiProperty({ description: 'forged, or the table no longer matches it, in words' }) reason!: string;
}

export class MissingRowsDto {
  @ApiProperty({ description: 'first ledger seq of the gap (inclusive)', example: '120' }) fromSeq!: string;
  @ApiProperty({ description: 'last ledger seq of the gap (inclusive)', example: '131' }) toSeq!: string;
  @ApiProperty({ description: 'stored checkpoints that name a row of this gap' }) checkpoints!: number;
  @ApiProperty({ format: 'date-time', description: 'when the newest of them was signed' }) lastCheckpointAt!: string;
}

export class CheckpointCheckDto {
  @ApiProperty({ description: 'stored signed checkpoints examined' }) checked!: number;
  @ApiProperty() valid!: boolean;
  @ApiProperty({ type: CheckpointRefDto, nullable: true, description: 'the newest genuine checkpoint that matches the table' }) latest!: CheckpointRefDto | null;
  @ApiProperty({ type: BadCheckpointDto, nullable: true }) firstBad!: BadCheckpointDto | null;
  @ApiProperty({
    type: [MissingRowsDto],
    description: 'ledger rows that signed checkpoints prove existed and the table lacks, e.g. after a restore from an older backup (ADR 158); empty when none',
  })
  missingRows!: MissingRowsDto[];
}

export class VerifyResultDto {
  @ApiProperty({ description: 'every row matches its hash and links to its predecessor, and every signed checkpoint matches' }) valid!: boolean;
  @ApiProperty() rowsChecked!: number;
  @ApiProperty({ type: ChainHeadDto, nullable: true, description: 'the last row of the chain' }) head!: ChainHeadDto | null;
  @ApiProperty({ type: BadRowDto, nullable: true, description: 'the first row that does not match' }) firstBadRow!: BadRowDto | null;
  @ApiProperty({ description: 'milliseconds' }) durationMs!: number;
  @ApiProperty({ type: CheckpointCheckDto, description: 'signed checkpoints kept outside the database, checked against the table' }) checkpoints!: CheckpointCheckDto;
}

/** `GET /audit/checkpoint-key`: the public half of the checkpoint signing key. */
export class CheckpointKeyDto {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: string;
  @ApiProperty({ description: 'First 16 hex digits of SHA-256 over the SPKI DER key', pattern: '^[0-9a-f]{16}$' }) keyId!: string;
  @ApiProperty({ description: 'SPKI public key, PEM' }) publicKeyPem!: string;
}
