import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { Migration20261126000000Ledger } from './Migration20261126000000_ledger';
import { Migration20261126010000Identity } from './Migration20261126010000_identity';
import { Migration20261127050000Requests } from './Migration20261127050000_requests';
import { Migration20261127060000TicketCallbacks } from './Migration20261127060000_ticket_callbacks';
import { Migration20261127094600LeaverWorkflowIds } from './Migration20261127094600_leaver_workflow_ids';
import { Migration20261127070000AppRoles } from './Migration20261127070000_app_roles';
import { Migration20261127080000Catalog } from './Migration20261127080000_catalog';
import { Migration20261127120000OneOpenChange } from './Migration20261127120000_one_open_change';
import { Migration20261130090000ManualEffort } from './Migration20261130090000_manual_effort';
import { Migration20261130100000Certification } from './Migration20261130100000_certification';
import { Migration20261130110000Deprovisioning } from './Migration20261130110000_deprovisioning';
import { Migration20261130120000FallbackAttesters } from './Migration20261130120000_fallback_attesters';
import { Migration20261130130000CertificationRemediation } from './Migration20261130130000_certification_remediation';
import { Migration20261130140000InvolvedLookups } from './Migration20261130140000_involved_lookups';

/**
 * Every migration, in order. Listed explicitly (no file globbing) so the same list works from
 * TypeScript sources under jest and from the compiled build. Append only; never edit a shipped one.
 */
export const migrationsList: { name: string; class: Constructor<Migration> }[] = [
  { name: 'Migration20261126000000_ledger', class: Migration20261126000000Ledger },
  { name: 'Migration20261126010000_identity', class: Migration20261126010000Identity },
  { name: 'Migration20261127050000_requests', class: Migration20261127050000Requests },
  { name: 'Migration20261127060000_ticket_callbacks', class: Migration20261127060000TicketCallbacks },
  { name: 'Migration20261127070000_app_roles', class: Migration20261127070000AppRoles },
  { name: 'Migration20261127080000_catalog', class: Migration20261127080000Catalog },
  { name: 'Migration20261127094600_leaver_workflow_ids', class: Migration20261127094600LeaverWorkflowIds },
  { name: 'Migration20261127120000_one_open_change', class: Migration20261127120000OneOpenChange },
  { name: 'Migration20261130090000_manual_effort', class: Migration20261130090000ManualEffort },
  { name: 'Migration20261130100000_certification', class: Migration20261130100000Certification },
  { name: 'Migration20261130110000_deprovisioning', class: Migration20261130110000Deprovisioning },
  { name: 'Migration20261130120000_fallback_attesters', class: Migration20261130120000FallbackAttesters },
  { name: 'Migration20261130130000_certification_remediation', class: Migration20261130130000CertificationRemediation },
  { name: 'Migration20261130140000_involved_lookups', class: Migration20261130140000InvolvedLookups },
];
