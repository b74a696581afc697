import { Alert, Box, Button, CircularProgress, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { problemText } from '../api/client';

/** Loading, error and empty states: a page always says where it stands, never shows a blank. */
export function Loading({ what }: { what: string }) {
  return (
    <Box role="status" aria-live="polite" sx={{ display: 'flex', alignItems: 'center', gap: 2, py: 3 }}>
      <CircularProgress size={24} aria-hidden />
      <Typography>Loading {what}…</Typography>
    </Box>
  );
}

export function ErrorState({ error, retry, what }: { error: unknown; retry?: () => void; what: string }) {
  return (
    <Alert
      severity="error"
      sx={{ my: 2 }}
      action={
        retry ? (
          <Button color="inherit" size="small" onClick={retry}>
            Try again
          </Button>
        ) : undefined
      }
    >
      Could not load {what}. {problemText(error)}
    </Alert>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Alert severity="info" variant="outlined" sx={{ my: 2 }}>
      {children}
    </Alert>
  );
}

interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/** Renders the loading or error state of a query, else `children(data)`. */
export function QueryView<T>({ query, what, children }: { query: QueryLike<T>; what: string; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError || query.data === undefined) return <ErrorState error={query.error} what={what} retry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}
