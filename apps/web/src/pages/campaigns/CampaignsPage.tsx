import { Box, Tab, Tabs } from '@mui/material';
import { useNavigate, useParams } from 'react-router';
import { Page } from '../../components/Page';
import { hasRole, useMe } from '../../lib/me';
import { CampaignList, CampaignReport } from './CampaignReport';
import { Schedules } from './Schedules';
import { StartCampaign } from './StartCampaign';

const TABS = [
  ['start', 'Start a campaign', true],
  ['reports', 'Campaigns and reports', false],
  ['schedules', 'Recurring campaigns', true],
] as const;

/**
 * Certification administration: start a campaign after its pre-flight check, campaign reports,
 * recurring schedules. Administrators see all three; auditors the reports (the API's own roles).
 */
export default function CampaignsPage() {
  const { tab, id } = useParams();
  const navigate = useNavigate();
  const admin = hasRole(useMe(), 'admin');
  const tabs = TABS.filter(([, , adminOnly]) => admin || !adminOnly);
  const current = tabs.some(([k]) => k === tab) ? (tab as string) : tab === 'report' ? 'reports' : tabs[0][0];
  return (
    <Page title="Certification campaigns" intro="Ask reviewers to confirm who still needs their access: once, or on a schedule.">
      <Tabs value={current} onChange={(_, v: string) => void navigate(`/campaigns/${v}`)} aria-label="Campaign sections" sx={{ mb: 3 }}>
        {tabs.map(([k, label]) => (
          <Tab key={k} value={k} label={label} id={`campaigns-tab-${k}`} aria-controls={`campaigns-panel-${k}`} />
        ))}
      </Tabs>
      <Box role="tabpanel" id={`campaigns-panel-${current}`} aria-labelledby={`campaigns-tab-${current}`}>
        {current === 'start' && <StartCampaign />}
        {current === 'reports' && (tab === 'report' && id ? <CampaignReport id={id} /> : <CampaignList />)}
        {current === 'schedules' && <Schedules />}
      </Box>
    </Page>
  );
}
