import { Tab, Tabs } from '@mui/material';
import { useNavigate, useParams } from 'react-router';
import { Page } from '../../components/Page';
import { QueryView } from '../../components/States';
import { useRoles } from '../../lib/catalog';
import { JoinerForm } from './JoinerForm';
import { MoverForm } from './MoverForm';

/** New request: a new starter (joiner) or a change of job (mover). Leavers are HR's page. */
export default function NewRequestPage() {
  const { kind = 'joiner' } = useParams();
  const navigate = useNavigate();
  const roles = useRoles();
  const tab = kind === 'mover' ? 'mover' : 'joiner';
  return (
    <Page title="New request" intro="Ask for access for a new starter or for someone changing job. The approvers see exactly what you see here.">
      <Tabs value={tab} onChange={(_, v: string) => void navigate(`/requests/new/${v}`)} aria-label="Kind of request" sx={{ mb: 3 }}>
        <Tab value="joiner" label="New starter" />
        <Tab value="mover" label="Change of job" />
      </Tabs>
      <QueryView query={roles} what="the role catalog">
        {(list) => (tab === 'joiner' ? <JoinerForm roles={list} /> : <MoverForm roles={list} />)}
      </QueryView>
    </Page>
  );
}
