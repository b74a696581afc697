import { Box, Checkbox, Chip, Stack, Typography } from '@mui/material';
import type { Schemas } from '../../api/client';
import { formatDate } from '../../lib/time';
import { FLAG_WORDS, ITEM_STATUS_WORDS } from './flags';

type Item = Schemas['CampaignItemDto'];

const STATUS_COLOR = { certified: 'success', revoked: 'error', pending: 'default', not_reviewed: 'warning' } as const;

/** One item under review: the access, why it deserves attention (flags), where it came from, the decision so far. */
export function ItemRow({ item, selected, onToggle, disabled }: { item: Item; selected: boolean; onToggle: () => void; disabled: boolean }) {
  const label = `${item.role} on ${item.system} for ${item.identityName}`;
  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', py: 1, borderBottom: 1, borderColor: 'divider' }} data-testid={`item-${item.id}`}>
      <Checkbox checked={selected} onChange={onToggle} disabled={disabled} slotProps={{ input: { 'aria-label': `Select ${label}` } }} />
      <Box sx={{ flex: 1 }}>
        <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          <Typography component="span" sx={{ fontWeight: 600 }}>
            {item.role} on {item.system}
          </Typography>
          <Typography component="span">{item.entitlements.join(', ')}</Typography>
          {item.flags.map((f) => (
            <Chip key={f} size="small" variant="outlined" color={f === 'privileged' || f === 'sod' ? 'error' : 'warning'} label={FLAG_WORDS[f] ?? f} />
          ))}
          <Chip size="small" color={STATUS_COLOR[item.status as keyof typeof STATUS_COLOR] ?? 'default'} label={ITEM_STATUS_WORDS[item.status] ?? item.status} />
        </Stack>
        <Typography variant="body2" color="text.secondary">
          {item.provenance === 'imported' ? 'Imported from the old records' : `Approved by ${item.approvedBy.join(', ') || '—'}`}, held since {formatDate(item.grantedAt)}.
          {item.comment && ` Your comment: “${item.comment}”`}
        </Typography>
      </Box>
    </Box>
  );
}
