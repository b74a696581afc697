import { List, ListItem, ListItemText, Typography } from '@mui/material';
import type { Schemas } from '../../api/client';
import { formatTime } from '../../lib/time';
import { eventPhrase } from '../../lib/words';

type Event = Schemas['TimelineEventDto'];

function who(e: Event): string {
  if (e.actor.type === 'system') return 'The service';
  return e.actor.name || e.actor.id;
}

/** The request's ledger rows in plain words, one line per event: time, who, what. */
export function Timeline({ events }: { events: Event[] }) {
  return (
    <section aria-labelledby="timeline-heading">
      <Typography variant="h6" component="h2" id="timeline-heading" gutterBottom>
        What happened
      </Typography>
      <List dense aria-label="Timeline">
        {events.map((e) => (
          <ListItem key={e.seq} disableGutters divider>
            <ListItemText
              primary={`${who(e)} ${eventPhrase(e)}`}
              secondary={`${formatTime(e.occurredAt)} · audit record ${e.seq}`}
            />
          </ListItem>
        ))}
      </List>
    </section>
  );
}
