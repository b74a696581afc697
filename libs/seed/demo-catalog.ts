/**
 * The demo organisation's catalog: St. Aldric Health, a mid-sized hospital group. Systems, their
 * entitlements, 30 business roles and SoD rules. Owners are identity keys of `demo-people.ts`.
 */

type Ent = [key: string, name: string, privileged?: boolean];
interface SystemSeed {
  key: string;
  name: string;
  owners: string[];
  channel: 'queue' | 'webhook' | 'email';
  target: string | null;
  deprovisionSlaHours: number;
  entitlements: Ent[];
}

const HELPDESK = 'https://helpdesk.st-aldric.example/api/tickets';

export const DEMO_SYSTEMS: SystemSeed[] = [
  { key: 'ehr', name: 'Electronic Health Record (Epic-style)', owners: ['E1101', 'E1501'], channel: 'queue', target: null, deprovisionSlaHours: 4,
    entitlements: [['chart-read', 'Read patient charts'], ['chart-write', 'Document in charts'], ['order-entry', 'Enter orders'], ['order-meds', 'Prescribe medications', true], ['sign-notes', 'Sign clinical notes'], ['ehr-admin', 'EHR build and security administration', true]] },
  { key: 'pacs', name: 'Picture Archiving (PACS)', owners: ['E1301'], channel: 'webhook', target: HELPDESK, deprovisionSlaHours: 8,
    entitlements: [['image-view', 'View images'], ['image-report', 'Report studies'], ['modality-admin', 'Modality worklist administration', true]] },
  { key: 'lis', name: 'Laboratory Information System', owners: ['E1401'], channel: 'queue', target: null, deprovisionSlaHours: 8,
    entitlements: [['results-view', 'View results'], ['results-enter', 'Enter results'], ['results-verify', 'Verify and release results', true], ['qc-admin', 'Quality control administration', true]] },
  { key: 'pharmacy', name: 'Pharmacy Management', owners: ['E1601'], channel: 'email', target: 'pharmacy-it@st-aldric.example', deprovisionSlaHours: 4,
    entitlements: [['formulary-view', 'View formulary'], ['dispense', 'Dispense medications', true], ['verify-orders', 'Verify medication orders', true], ['controlled-substances', 'Controlled substances cabinet', true]] },
  { key: 'scheduling', name: 'Patient Scheduling', owners: ['E1701'], channel: 'queue', target: null, deprovisionSlaHours: 24,
    entitlements: [['calendar-view', 'View schedules'], ['book', 'Book appointments'], ['template-admin', 'Edit schedule templates', true]] },
  { key: 'billing', name: 'Patient Billing and Claims', owners: ['E1801'], channel: 'webhook', target: HELPDESK, deprovisionSlaHours: 8,
    entitlements: [['claims-view', 'View claims'], ['claims-edit', 'Create and edit claims'], ['payments-post', 'Post payments', true], ['write-off', 'Approve write-offs', true], ['coding', 'Assign diagnosis and procedure codes']] },
  { key: 'hris', name: 'HR Information System', owners: ['E1901'], channel: 'queue', target: null, deprovisionSlaHours: 8,
    entitlements: [['self-service', 'Employee self-service'], ['employee-records', 'Maintain employee records', true], ['hris-admin', 'HRIS administration', true]] },
  { key: 'payroll', name: 'Payroll', owners: ['E2101'], channel: 'email', target: 'payroll-support@st-aldric.example', deprovisionSlaHours: 4,
    entitlements: [['payslips-view', 'View payslips'], ['payroll-run', 'Run payroll', true], ['bank-details', 'Change bank details', true]] },
  { key: 'email', name: 'Email and Calendar', owners: ['E2001'], channel: 'queue', target: null, deprovisionSlaHours: 2,
    entitlements: [['mailbox', 'Mailbox'], ['shared-mailbox', 'Shared departmental mailbox']] },
  { key: 'vpn', name: 'Remote Access VPN', owners: ['E2001'], channel: 'queue', target: null, deprovisionSlaHours: 2,
    entitlements: [['vpn-user', 'VPN user'], ['vpn-admin', 'VPN administration', true]] },
  { key: 'directory', name: 'Active Directory', owners: ['E2001', 'E2002'], channel: 'queue', target: null, deprovisionSlaHours: 2,
    entitlements: [['domain-user', 'Domain user'], ['helpdesk-reset', 'Password reset operator'], ['domain-admin', 'Domain administrator', true]] },
  { key: 'erp', name: 'Finance ERP', owners: ['E2101'], channel: 'webhook', target: HELPDESK, deprovisionSlaHours: 8,
    entitlements: [['gl-view', 'View general ledger'], ['journal-post', 'Post journals', true], ['ap-invoice', 'Enter supplier invoices'], ['ap-approve', 'Approve supplier payments', true]] },
  { key: 'supply', name: 'Supply Chain and Inventory', owners: ['E2201'], channel: 'email', target: 'supply-it@st-aldric.example', deprovisionSlaHours: 24,
    entitlements: [['catalog-view', 'View item catalog'], ['purchase-order', 'Raise purchase orders'], ['goods-receipt', 'Receive goods'], ['vendor-master', 'Maintain vendor master', true]] },
  { key: 'itsm', name: 'IT Service Management', owners: ['E2001'], channel: 'queue', target: null, deprovisionSlaHours: 8,
    entitlements: [['ticket-submit', 'Submit tickets'], ['ticket-work', 'Work tickets'], ['itsm-admin', 'ITSM administration', true]] },
];

type Step = { kind: 'manager' | 'role_owner' | 'system_owner' } | { kind: 'identity'; identity: string } | { kind: 'group'; group: string; members: string[] };
interface RoleSeed {
  key: string;
  name: string;
  department: string;
  owner: string;
  risk: 'low' | 'medium' | 'high';
  grants: string[];
  steps?: (Step & { approvers?: number })[];
}

const MGR: Step[] = [{ kind: 'manager' }];
const MGR_OWNER: Step[] = [{ kind: 'manager' }, { kind: 'role_owner' }];
const FULL = (dual = false) => [{ kind: 'manager' as const }, { kind: 'role_owner' as const }, { kind: 'system_owner' as const, approvers: dual ? 2 : 1 }];
const PHARMACY_LEADS = { kind: 'group' as const, group: 'pharmacy-leads', members: ['E1601', 'E1602', 'E1603'] };
const CFO = { kind: 'identity' as const, identity: 'E2101' };

/** Grants are `system/entitlement`. */
export const DEMO_ROLES: RoleSeed[] = [
  { key: 'workforce-base', name: 'Workforce base access', department: '*', owner: 'E2001', risk: 'low', grants: ['email/mailbox', 'directory/domain-user', 'hris/self-service', 'payroll/payslips-view', 'itsm/ticket-submit'], steps: MGR },
  { key: 'remote-access', name: 'Remote access', department: '*', owner: 'E2001', risk: 'low', grants: ['vpn/vpn-user'], steps: MGR },
  { key: 'executive', name: 'Executive', department: 'Executive', owner: 'E1001', risk: 'medium', grants: ['email/shared-mailbox', 'erp/gl-view', 'ehr/chart-read'], steps: MGR_OWNER },
  { key: 'rn-inpatient', name: 'Registered nurse, inpatient', department: 'Nursing', owner: 'E1101', risk: 'medium', grants: ['ehr/chart-read', 'ehr/chart-write', 'ehr/sign-notes', 'pharmacy/formulary-view', 'lis/results-view'], steps: MGR_OWNER },
  { key: 'rn-charge', name: 'Charge nurse', department: 'Nursing', owner: 'E1101', risk: 'medium', grants: ['ehr/chart-read', 'ehr/chart-write', 'ehr/order-entry', 'scheduling/calendar-view'], steps: MGR_OWNER },
  { key: 'nurse-manager', name: 'Nurse manager', department: 'Nursing', owner: 'E1101', risk: 'medium', grants: ['ehr/chart-read', 'scheduling/template-admin', 'hris/employee-records'], steps: FULL() },
  { key: 'nursing-assistant', name: 'Nursing assistant', department: 'Nursing', owner: 'E1101', risk: 'low', grants: ['ehr/chart-read'], steps: MGR },
  { key: 'physician-attending', name: 'Attending physician', department: 'Medicine', owner: 'E1201', risk: 'high', grants: ['ehr/chart-read', 'ehr/chart-write', 'ehr/order-entry', 'ehr/order-meds', 'ehr/sign-notes', 'pacs/image-view', 'lis/results-view'], steps: FULL() },
  { key: 'physician-resident', name: 'Resident physician', department: 'Medicine', owner: 'E1201', risk: 'medium', grants: ['ehr/chart-read', 'ehr/chart-write', 'ehr/order-entry', 'pacs/image-view', 'lis/results-view'], steps: MGR_OWNER },
  { key: 'radiologist', name: 'Radiologist', department: 'Radiology', owner: 'E1301', risk: 'medium', grants: ['pacs/image-view', 'pacs/image-report', 'ehr/chart-read', 'ehr/sign-notes'], steps: MGR_OWNER },
  { key: 'rad-technologist', name: 'Radiologic technologist', department: 'Radiology', owner: 'E1301', risk: 'low', grants: ['pacs/image-view', 'scheduling/calendar-view'], steps: MGR },
  { key: 'pacs-admin', name: 'PACS administrator', department: 'Radiology', owner: 'E1301', risk: 'high', grants: ['pacs/modality-admin', 'pacs/image-view'], steps: FULL(true) },
  { key: 'lab-technologist', name: 'Medical lab technologist', department: 'Laboratory', owner: 'E1401', risk: 'low', grants: ['lis/results-view', 'lis/results-enter'], steps: MGR },
  { key: 'lab-supervisor', name: 'Laboratory supervisor', department: 'Laboratory', owner: 'E1401', risk: 'high', grants: ['lis/results-view', 'lis/results-verify', 'lis/qc-admin'], steps: FULL() },
  { key: 'pharmacist', name: 'Pharmacist', department: 'Pharmacy', owner: 'E1601', risk: 'high', grants: ['pharmacy/formulary-view', 'pharmacy/dispense', 'pharmacy/verify-orders', 'ehr/chart-read'], steps: [{ kind: 'manager' }, PHARMACY_LEADS] },
  { key: 'pharmacy-technician', name: 'Pharmacy technician', department: 'Pharmacy', owner: 'E1601', risk: 'medium', grants: ['pharmacy/formulary-view', 'pharmacy/dispense'], steps: [{ kind: 'manager' }, PHARMACY_LEADS] },
  { key: 'controlled-substances', name: 'Controlled substances custodian', department: 'Pharmacy', owner: 'E1601', risk: 'high', grants: ['pharmacy/controlled-substances'], steps: [{ kind: 'manager' }, { ...PHARMACY_LEADS, approvers: 2 }] },
  { key: 'scheduler', name: 'Patient scheduler', department: 'Patient Access', owner: 'E1701', risk: 'low', grants: ['scheduling/calendar-view', 'scheduling/book', 'ehr/chart-read'], steps: MGR },
  { key: 'registrar', name: 'Patient registrar', department: 'Patient Access', owner: 'E1701', risk: 'low', grants: ['scheduling/calendar-view', 'billing/claims-view'], steps: MGR },
  { key: 'billing-clerk', name: 'Billing clerk', department: 'Revenue Cycle', owner: 'E1801', risk: 'medium', grants: ['billing/claims-view', 'billing/claims-edit'], steps: MGR_OWNER },
  { key: 'payments-poster', name: 'Payments poster', department: 'Revenue Cycle', owner: 'E1801', risk: 'medium', grants: ['billing/claims-view', 'billing/payments-post'], steps: MGR_OWNER },
  { key: 'medical-coder', name: 'Medical coder', department: 'Revenue Cycle', owner: 'E1801', risk: 'low', grants: ['billing/coding', 'ehr/chart-read'], steps: MGR },
  { key: 'hr-generalist', name: 'HR generalist', department: 'Human Resources', owner: 'E1901', risk: 'medium', grants: ['hris/employee-records'], steps: MGR_OWNER },
  { key: 'hris-admin', name: 'HRIS administrator', department: 'Human Resources', owner: 'E1901', risk: 'high', grants: ['hris/hris-admin', 'hris/employee-records'], steps: FULL(true) },
  { key: 'payroll-admin', name: 'Payroll administrator', department: 'Finance', owner: 'E2101', risk: 'high', grants: ['payroll/payroll-run', 'payroll/bank-details'], steps: [{ kind: 'manager' }, CFO] },
  { key: 'accountant', name: 'Accountant', department: 'Finance', owner: 'E2101', risk: 'medium', grants: ['erp/gl-view', 'erp/journal-post', 'erp/ap-invoice'], steps: MGR_OWNER },
  { key: 'ap-approver', name: 'Accounts payable approver', department: 'Finance', owner: 'E2101', risk: 'high', grants: ['erp/gl-view', 'erp/ap-approve'], steps: [{ kind: 'manager' }, CFO] },
  { key: 'buyer', name: 'Purchasing buyer', department: 'Supply Chain', owner: 'E2201', risk: 'medium', grants: ['supply/catalog-view', 'supply/purchase-order', 'supply/vendor-master'], steps: MGR_OWNER },
  { key: 'receiving-clerk', name: 'Receiving clerk', department: 'Supply Chain', owner: 'E2201', risk: 'low', grants: ['supply/catalog-view', 'supply/goods-receipt'], steps: MGR },
  { key: 'it-service-desk', name: 'IT service desk analyst', department: 'IT', owner: 'E2001', risk: 'medium', grants: ['itsm/ticket-work', 'directory/helpdesk-reset'], steps: MGR_OWNER },
  { key: 'it-sysadmin', name: 'Infrastructure administrator', department: 'IT', owner: 'E2001', risk: 'high', grants: ['directory/domain-admin', 'vpn/vpn-admin', 'itsm/itsm-admin'], steps: FULL(true) },
  { key: 'ehr-analyst', name: 'EHR analyst', department: 'IT', owner: 'E1501', risk: 'high', grants: ['ehr/ehr-admin', 'ehr/chart-read', 'itsm/ticket-work'], steps: FULL(true) },
];

export const DEMO_SOD_RULES = [
  { key: 'prescribe-dispense', name: 'Prescribing and dispensing medications', description: 'Whoever prescribes must not dispense.', severity: 'critical', action: 'block',
    sets: [{ label: 'prescribe', roles: ['physician-attending'], entitlements: [{ system: 'ehr', entitlement: 'order-meds' }] }, { label: 'dispense', roles: ['pharmacist', 'pharmacy-technician'], entitlements: [{ system: 'pharmacy', entitlement: 'dispense' }] }] },
  { key: 'claims-payments', name: 'Editing claims and posting payments', description: 'Billing and cash posting are separated.', severity: 'high', action: 'require_dual_approval',
    sets: [{ label: 'claims', roles: ['billing-clerk'], entitlements: [] }, { label: 'payments', roles: ['payments-poster'], entitlements: [] }] },
  { key: 'purchase-receive', name: 'Purchasing and receiving goods', description: 'Whoever orders must not confirm receipt.', severity: 'high', action: 'block',
    sets: [{ label: 'purchase', roles: ['buyer'], entitlements: [] }, { label: 'receive', roles: ['receiving-clerk'], entitlements: [] }] },
  { key: 'hr-payroll', name: 'HR records and running payroll', description: 'Creating employees and paying them are separated.', severity: 'high', action: 'require_dual_approval',
    sets: [{ label: 'hr', roles: ['hr-generalist', 'hris-admin'], entitlements: [] }, { label: 'payroll', roles: ['payroll-admin'], entitlements: [] }] },
  { key: 'invoice-approve', name: 'Entering and approving supplier invoices', description: 'Three-way match needs two people.', severity: 'high', action: 'block',
    sets: [{ label: 'enter', roles: [], entitlements: [{ system: 'erp', entitlement: 'ap-invoice' }] }, { label: 'approve', roles: [], entitlements: [{ system: 'erp', entitlement: 'ap-approve' }] }] },
  { key: 'results-enter-verify', name: 'Entering and verifying lab results', description: 'Results are verified by someone else.', severity: 'medium', action: 'require_dual_approval',
    sets: [{ label: 'enter', roles: ['lab-technologist'], entitlements: [] }, { label: 'verify', roles: ['lab-supervisor'], entitlements: [] }] },
];

export function systemsBundle() {
  return DEMO_SYSTEMS.map((s) => ({ ...s, entitlements: s.entitlements.map(([key, name, privileged]) => ({ key, name, privileged: privileged ?? false })) }));
}

export function rolesBundle() {
  return DEMO_ROLES.map((r) => ({
    key: r.key,
    name: r.name,
    description: `${r.name} (${r.department === '*' ? 'everyone' : r.department})`,
    owner: r.owner,
    risk: r.risk,
    entitlements: r.grants.map((g) => {
      const [system, entitlement] = g.split('/');
      return { system, entitlement };
    }),
    approvalPolicy: { steps: (r.steps ?? MGR).map((s) => ({ approvers: 1, ...s })) },
  }));
}
