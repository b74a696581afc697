import { Box, Tab, Tabs } from '@mui/material';
import { useNavigate, useParams } from 'react-router';
import { Page } from '../../components/Page';
import { AccessAt } from './AccessAt';
import { EvidencePack } from './EvidencePack';
import { LedgerSearch } from './LedgerSearch';
import { Reports } from './Reports';
import { VerifyLedger } from './VerifyLedger';

const TABS = [
  ['ledger', 'Audit trail'],
  ['access', 'Access at a moment'],
  ['verify', 'Check integrity'],
  ['reports', 'Reports'],
  ['evidence', 'Evidence pack'],
] as const;

/** The auditor's page: search and export the ledger, verify it, read the reports. */
export default function AuditPage() {
  const { tab = 'ledger' } = useParams();
  const navigate = useNavigate();
  const current = TABS.some(([k]) => k === tab) ? tab : 'ledger';
  return (
    <Page title="Audit" intro="Every change of access, who asked, who approved and who carried it out, in an audit trail that cannot be altered unnoticed.">
      <Tabs value={current} onChange={(_, v: string) => void navigate(`/audit/${v}`)} aria-label="Audit sections" sx={{ mb: 3 }}>
        {TABS.map(([k, label]) => (
          <Tab key={k} value={k} label={label} id={`audit-tab-${k}`} aria-controls={`audit-panel-${k}`} />
        ))}
      </Tabs>
      <Box role="tabpanel" id={`audit-panel-${current}`} aria-labelledby={`audit-tab-${current}`}>
        {current === 'ledger' && <LedgerSearch />}
        {current === 'access' && <AccessAt />}
        {current === 'verify' && <VerifyLedger />}
        {current === 'reports' && <Reports />}
        {current === 'evidence' && <EvidencePack />}
      </Box>
    </Page>
  );
}
