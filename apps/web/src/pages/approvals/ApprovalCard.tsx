import { Box, Card, CardContent, Divider, Link, Stack, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router';
import type { Schemas } from '../../api/client';
import { DecisionForm } from '../../actions/DecisionForm';
import { DiffView, SodFindings } from '../../components/DiffView';
import { PersonLink } from '../../components/Person';
import { usePeopleNames } from '../../lib/catalog';
import { formatTime, fromNow } from '../../lib/time';
import { KIND_WORDS, words } from '../../lib/words';

type Item = Schemas['ApprovalItemDto'];

/** Org changes of a mover, in words ("Department: Radiology"). */
export function OrgChanges({ changes }: { changes: Record<string, unknown> }) {
  const names: Record<string, string> = { department: 'Department', title: 'Job title', manager: 'Manager' };
  const entries = Object.entries(changes).filter(([k, v]) => names[k] && typeof v === 'string' && v);
  if (entries.length === 0) return null;
  return (
    <Box>
      <Typography variant="subtitle1" component="h3">
        Job changes
      </Typography>
      <ul>
        {entries.map(([k, v]) => (
          <li key={k}>
            {names[k]}: {String(v)}
          </li>
        ))}
      </ul>
    </Box>
  );
}

/** Who may approve this step and why, by name. */
export function EligibleApprovers({ label, keys, exclude }: { label: string; keys: string[]; exclude?: string | null }) {
  const names = usePeopleNames(keys);
  const others = keys.filter((k) => k !== exclude);
  return (
    <Typography>
      <strong>Who may approve this step:</strong> {label}
      {' — '}
      {others.length === 0 ? 'nobody else' : others.map((k, i) => [i > 0 && ', ', <PersonLink key={k} id={k} name={names[k]} />])}
    </Typography>
  );
}

/**
 * One approval waiting for me: who asked and why, what changes (per system, privileged marked),
 * the SoD findings, who else may approve, and only then the decision buttons.
 */
export function ApprovalCard({ item, me }: { item: Item; me: string | null }) {
  const r = item.request;
  const names = usePeopleNames([r.identity, r.requester]);
  return (
    <Card variant="outlined" component="article" aria-labelledby={`req-${r.id}`} sx={{ mb: 2 }}>
      <CardContent>
        <Stack spacing={2}>
          <Box>
            <Typography variant="h5" component="h2" id={`req-${r.id}`}>
              {words(KIND_WORDS, r.kind)}: {names[r.identity]} ({r.identity})
            </Typography>
            <Typography>
              Asked by <PersonLink id={r.requester} name={names[r.requester]} /> on {formatTime(r.createdAt)}.{' '}
              <Link component={RouterLink} to={`/requests/${r.id}`}>
                Open the request
              </Link>
            </Typography>
            <Typography sx={{ mt: 1 }}>
              <strong>Why:</strong> {item.justification ?? '—'}
            </Typography>
            <Typography>
              <strong>Step {item.step.step}:</strong> {item.step.label}
              {item.step.required > 1 && ` (needs ${item.step.required} different approvers)`}
              {item.step.dueAt && `, due ${formatTime(item.step.dueAt)} (${fromNow(item.step.dueAt)})`}
            </Typography>
            {r.kind === 'mover' && (
              <Typography>
                <strong>Takes effect:</strong> {item.effectiveAt ? `${formatTime(item.effectiveAt)} (${fromNow(item.effectiveAt)})` : 'as soon as it is approved and carried out'}
              </Typography>
            )}
          </Box>
          <OrgChanges changes={item.changes} />
          <DiffView diff={item.diff} />
          <SodFindings findings={item.sodFindings} />
          <EligibleApprovers label={item.step.label} keys={item.step.eligibleApprovers} exclude={me} />
          <Divider />
          <DecisionForm target={{ requestId: r.id, identity: r.identity, requester: r.requester, step: item.step }} />
        </Stack>
      </CardContent>
    </Card>
  );
}
