import { Alert, Box, Button, LinearProgress, MenuItem, Paper, Stack, TextField, Typography } from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, problemText, unwrap, type Schemas } from '../../api/client';
import { Page } from '../../components/Page';
import { Empty, QueryView } from '../../components/States';
import { myKey, useMe } from '../../lib/me';
import { formatTime, fromNow } from '../../lib/time';
import { BulkDialog, type BulkDecision } from './BulkDialog';
import { FLAG_WORDS } from './flags';
import { ItemRow } from './ItemRow';
import { ReassignForm } from './ReassignForm';

type Item = Schemas['CampaignItemDto'];

async function allItems(id: string): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await unwrap(api.GET('/api/v1/certifications/{id}/items', { params: { path: { id }, query: { limit: 500, cursor } } }));
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

/** One campaign for its reviewer: items grouped by person, filters, bulk keep/remove with a preview, hand-over, sign-off, progress. */
export function CampaignReview({ id }: { id: string }) {
  const me = myKey(useMe());
  const qc = useQueryClient();
  const campaign = useQuery({ queryKey: ['campaign', id], queryFn: () => unwrap(api.GET('/api/v1/certifications/{id}', { params: { path: { id } } })) });
  const items = useQuery({ queryKey: ['campaign-items', id], queryFn: () => allItems(id) });
  const [status, setStatus] = useState('');
  const [flag, setFlag] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [bulk, setBulk] = useState<BulkDecision | null>(null);
  const [reassign, setReassign] = useState(false);
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: ['campaign', id] }), qc.invalidateQueries({ queryKey: ['campaign-items', id] })]);
  const decide = useMutation({
    mutationFn: ({ decision, comment }: { decision: BulkDecision; comment: string }) =>
      unwrap(api.POST('/api/v1/certifications/{id}/decisions', { params: { path: { id } }, body: { decisions: selected.map((item) => ({ item, decision, ...(comment ? { comment } : {}) })) } })),
    onSuccess: async () => {
      setBulk(null);
      setSelected([]);
      await refresh();
    },
  });
  const signOff = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/certifications/{id}/sign-off', { params: { path: { id } } })), onSuccess: refresh });
  const mine = campaign.data?.reviewers.find((r) => r.reviewer === me);
  const signedOff = Boolean(mine?.signedOffAt);
  const shown = useMemo(() => (items.data ?? []).filter((i) => (!status || i.status === status) && (!flag || i.flags.includes(flag))), [items.data, status, flag]);
  const groups = useMemo(() => {
    const by = new Map<string, Item[]>();
    for (const i of shown) by.set(i.identity, [...(by.get(i.identity) ?? []), i]);
    return [...by.values()];
  }, [shown]);
  const toggle = (ids: string[], on: boolean) => setSelected((s) => (on ? [...new Set([...s, ...ids])] : s.filter((x) => !ids.includes(x))));
  const chosen = (items.data ?? []).filter((i) => selected.includes(i.id));
  const c = campaign.data;
  return (
    <Page title={c ? `Review: ${c.name}` : 'Access review'}>
      <QueryView query={campaign} what="the review">
        {(c) => {
          const done = c.counts.total - c.counts.pending;
          return (
            <Box sx={{ mb: 2 }}>
              <Typography>
                Due {formatTime(c.dueAt)} ({fromNow(c.dueAt)}). Overall {done} of {c.counts.total} decided: {c.counts.certified} kept, {c.counts.revoked} removed.
                {mine && ` Yours: ${mine.total - mine.pending} of ${mine.total} decided${signedOff ? `, signed off ${formatTime(mine.signedOffAt)}` : ''}.`}
              </Typography>
              <LinearProgress variant="determinate" value={c.counts.total ? (100 * done) / c.counts.total : 0} aria-label={`${done} of ${c.counts.total} decided`} sx={{ my: 1 }} />
            </Box>
          );
        }}
      </QueryView>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2 }}>
        <TextField select size="small" label="Decision" value={status} onChange={(e) => setStatus(e.target.value)} sx={{ minWidth: 180 }}>
          <MenuItem value="">All</MenuItem>
          <MenuItem value="pending">Not decided</MenuItem>
          <MenuItem value="certified">Keep</MenuItem>
          <MenuItem value="revoked">Remove</MenuItem>
        </TextField>
        <TextField select size="small" label="Needs attention" value={flag} onChange={(e) => setFlag(e.target.value)} sx={{ minWidth: 240 }}>
          <MenuItem value="">Any</MenuItem>
          {Object.entries(FLAG_WORDS).map(([k, v]) => (
            <MenuItem key={k} value={k}>
              {v}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      <Paper variant="outlined" sx={{ p: 1.5, mb: 2, position: 'sticky', top: 64, zIndex: 1 }} role="toolbar" aria-label="Decide the selected items">
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={1} sx={{ alignItems: 'center' }}>
          <Typography sx={{ mr: 1 }}>{selected.length} selected</Typography>
          <Button size="small" onClick={() => toggle(shown.map((i) => i.id), true)} disabled={signedOff}>
            Select all shown
          </Button>
          <Button size="small" onClick={() => setSelected([])}>
            Clear
          </Button>
          <Button variant="contained" color="success" disabled={!selected.length || signedOff} onClick={() => setBulk('certify')}>
            Keep access…
          </Button>
          <Button variant="contained" color="error" disabled={!selected.length || signedOff} onClick={() => setBulk('revoke')}>
            Remove access…
          </Button>
          <Button variant="outlined" disabled={!selected.length || signedOff} onClick={() => setReassign(true)}>
            Hand to someone else…
          </Button>
          <Box sx={{ flex: 1 }} />
          <Button variant="outlined" disabled={signedOff || signOff.isPending} onClick={() => signOff.mutate()}>
            Sign off my review
          </Button>
        </Stack>
        {signOff.isError && <Alert severity="error">{problemText(signOff.error)}</Alert>}
        {signedOff && <Alert severity="success">You signed off: your decisions are final.</Alert>}
      </Paper>
      {reassign && <ReassignForm campaignId={id} items={chosen} onDone={() => { setReassign(false); setSelected([]); void refresh(); }} onClose={() => setReassign(false)} />}
      <QueryView query={items} what="your items">
        {() =>
          groups.length === 0 ? (
            <Empty>{items.data?.length ? 'No items match the filters.' : 'Nothing to review for you in this campaign.'}</Empty>
          ) : (
            groups.map((g) => (
              <Box component="section" key={g[0].identity} aria-label={g[0].identityName} sx={{ mb: 3 }}>
                <Typography variant="h6" component="h2">
                  {g[0].identityName} ({g[0].identity})
                </Typography>
                {g.map((i) => (
                  <ItemRow key={i.id} item={i} selected={selected.includes(i.id)} onToggle={() => toggle([i.id], !selected.includes(i.id))} disabled={signedOff} />
                ))}
              </Box>
            ))
          )
        }
      </QueryView>
      {bulk && (
        <BulkDialog
          decision={bulk}
          items={chosen}
          busy={decide.isPending}
          error={decide.isError ? problemText(decide.error) : null}
          onConfirm={(comment) => decide.mutate({ decision: bulk, comment })}
          onClose={() => setBulk(null)}
        />
      )}
    </Page>
  );
}
