import { Button } from '@mui/material';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { Page } from '../../components/Page';
import { Empty, QueryView } from '../../components/States';
import { myKey, useMe } from '../../lib/me';
import { ApprovalCard } from './ApprovalCard';

/** My approvals: each request with everything needed to decide, then the decision. */
export function ApprovalsPage() {
  const me = myKey(useMe());
  const query = useInfiniteQuery({
    queryKey: ['approvals', 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/approvals', { params: { query: { limit: 20, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  return (
    <Page title="My approvals" intro="Requests waiting for your decision. Read what changes and any conflicts before you decide.">
      <QueryView query={query} what="your approvals">
        {(data) => {
          const items = data.pages.flatMap((p) => p.items);
          if (items.length === 0) return <Empty>Nothing waits for your approval.</Empty>;
          return (
            <>
              {items.map((item) => (
                <ApprovalCard key={`${item.request.id}-${item.step.step}`} item={item} me={me} />
              ))}
              {query.hasNextPage && (
                <Button onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                  Show more
                </Button>
              )}
            </>
          );
        }}
      </QueryView>
    </Page>
  );
}
