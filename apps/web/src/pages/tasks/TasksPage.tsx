import { Button, MenuItem, Stack, TextField } from '@mui/material';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Page } from '../../components/Page';
import { Empty, QueryView } from '../../components/States';
import { usePeopleNames, useSystems } from '../../lib/catalog';
import { TaskCard } from './TaskCard';

type Status = 'open' | 'done' | 'cancelled';

/** Tasks on the systems I own: grant or remove access, then confirm it by name. Filters live in the URL. */
export function TasksPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? 'open') as Status | 'all';
  const system = params.get('system') ?? '';
  const systems = useSystems();
  const query = useInfiniteQuery({
    queryKey: ['tasks', 'list', status, system],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/tasks', {
          params: { query: { limit: 50, cursor: pageParam, ...(status !== 'all' ? { status } : {}), ...(system ? { system } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const names = usePeopleNames(items.map((t) => t.identity));
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <Page title="My tasks" intro="Access to give or remove on the systems you own. When it is done, confirm it with a note and the ticket reference.">
      <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
        <TextField select label="Show" value={status} onChange={(e) => set('status', e.target.value)} size="small" sx={{ minWidth: 160 }}>
          <MenuItem value="open">To do</MenuItem>
          <MenuItem value="done">Done</MenuItem>
          <MenuItem value="cancelled">Cancelled</MenuItem>
          <MenuItem value="all">All</MenuItem>
        </TextField>
        <TextField select label="System" value={system} onChange={(e) => set('system', e.target.value)} size="small" sx={{ minWidth: 200 }}>
          <MenuItem value="">All systems</MenuItem>
          {(systems.data ?? []).map((s) => (
            <MenuItem key={s.key} value={s.key}>
              {s.name}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      <QueryView query={query} what="your tasks">
        {() =>
          items.length === 0 ? (
            <Empty>{status === 'open' ? 'No tasks to do.' : 'No tasks match.'}</Empty>
          ) : (
            <>
              {[...items]
                .sort((a, b) => Number(b.urgent) - Number(a.urgent) || Number(b.overdue) - Number(a.overdue))
                .map((t) => (
                  <TaskCard key={t.id} task={t} personName={names[t.identity]} />
                ))}
              {query.hasNextPage && (
                <Button onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                  Show more
                </Button>
              )}
            </>
          )
        }
      </QueryView>
    </Page>
  );
}
