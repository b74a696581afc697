import { Alert, Box, Button, Link, List, ListItem, Stack, Tab, Tabs, TextField } from '@mui/material';
import { lazy, Suspense, useState } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router';
import { Page } from '../../components/Page';
import { Empty, Loading, QueryView } from '../../components/States';
import { useIdentitySearch } from '../../lib/catalog';
import { hasRole, useMe } from '../../lib/me';
import { RolesList, SodRulesList, SystemsList } from './CatalogLists';
import { IdentityAccess } from './IdentityAccess';
import { RoleDetail } from './RoleDetail';

// The forms load only when an admin (or a role's owner) opens one: readers never download them.
const SystemForm = lazy(() => import('./SystemForm'));
const RoleForm = lazy(() => import('./RoleForm'));
const SodRuleForm = lazy(() => import('./SodRuleForm'));

const TABS = [
  ['systems', 'Systems'],
  ['roles', 'Roles'],
  ['sod-rules', 'Conflict rules'],
  ['identities', 'People'],
] as const;

function PeopleSearch() {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const search = useIdentitySearch(q);
  return (
    <Box>
      <Stack direction="row" spacing={1} component="form" role="search" aria-label="Find a person" onSubmit={(e) => { e.preventDefault(); setQ(text); }} sx={{ mb: 2 }}>
        <TextField size="small" label="Name, username or employee id" value={text} onChange={(e) => setText(e.target.value)} />
        <Button type="submit" variant="contained">
          Find
        </Button>
      </Stack>
      {q && (
        <QueryView query={search} what="people">
          {(page) =>
            page.items.length === 0 ? (
              <Empty>Nobody found.</Empty>
            ) : (
              <List>
                {page.items.map((p) => (
                  <ListItem key={p.key} disableGutters>
                    <Link component={RouterLink} to={`/catalog/identities/${encodeURIComponent(p.key)}`}>
                      {p.name} ({p.key})
                    </Link>
                    {p.department && ` · ${p.department}`}
                  </ListItem>
                ))}
              </List>
            )
          }
        </QueryView>
      )}
    </Box>
  );
}

/**
 * A create (`/catalog/new/<tab>`) or edit (`/catalog/<tab>/<key>/edit`) form. Systems and rules are
 * admin-only; a role may also be changed by its owner, which the role form's API call decides (403
 * in words otherwise). Keys never contain "/", so these addresses cannot collide with a detail page.
 */
function CatalogForm({ tab, objectKey }: { tab: string; objectKey?: string }) {
  const admin = hasRole(useMe(), 'admin');
  if (!admin && tab !== 'roles') return <Alert severity="info">Only administrators change systems and conflict rules. You can read them here.</Alert>;
  if (!admin && !objectKey) return <Alert severity="info">Only administrators add roles. You can read them here.</Alert>;
  return (
    <Suspense fallback={<Loading what="the form" />}>
      {tab === 'systems' && <SystemForm systemKey={objectKey} />}
      {tab === 'roles' && <RoleForm roleKey={objectKey} />}
      {tab === 'sod-rules' && <SodRuleForm ruleKey={objectKey} />}
    </Suspense>
  );
}

/** The catalog: systems, roles with their versions, conflict rules, and people with their access and why. */
export default function CatalogPage({ mode }: { mode?: 'new' | 'edit' }) {
  const { tab = 'systems', key } = useParams();
  const navigate = useNavigate();
  const current = TABS.some(([k]) => k === tab) ? tab : 'systems';
  const form = mode && current !== 'identities' ? <CatalogForm tab={current} objectKey={mode === 'edit' ? key : undefined} /> : null;
  return (
    <Page title="Catalog" intro="What can be asked for, who owns it, and who has what and why.">
      <Tabs value={current} onChange={(_, v: string) => void navigate(`/catalog/${v}`)} aria-label="Catalog sections" sx={{ mb: 3 }}>
        {TABS.map(([k, label]) => (
          <Tab key={k} value={k} label={label} id={`catalog-tab-${k}`} aria-controls={`catalog-panel-${k}`} />
        ))}
      </Tabs>
      <Box role="tabpanel" id={`catalog-panel-${current}`} aria-labelledby={`catalog-tab-${current}`}>
        {form}
        {!form && current === 'systems' && <SystemsList />}
        {!form && current === 'roles' && (key ? <RoleDetail roleKey={key} /> : <RolesList />)}
        {!form && current === 'sod-rules' && <SodRulesList />}
        {current === 'identities' && (key ? <IdentityAccess identityKey={key} /> : <PeopleSearch />)}
      </Box>
    </Page>
  );
}
