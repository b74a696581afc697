import { Alert, Box, Button, CssBaseline, ThemeProvider } from '@mui/material';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Link as RouterLink, Route, Routes } from 'react-router';
import { ApiError, signInUrl } from './api/client';
import { Layout } from './components/Layout';
import { Page } from './components/Page';
import { Loading } from './components/States';
import { MeProvider, useMeQuery } from './lib/me';
import { ApprovalsPage } from './pages/approvals/ApprovalsPage';
import { HomePage } from './pages/home/HomePage';
import { RequestDetailPage } from './pages/requests/RequestDetailPage';
import { RequestsPage } from './pages/requests/RequestsPage';
import { TasksPage } from './pages/tasks/TasksPage';
import { theme } from './theme';

// Pages most people rarely open load on demand (the charts library only with the audit page).
const NewRequestPage = lazy(() => import('./pages/new-request/NewRequestPage'));
const HrPage = lazy(() => import('./pages/hr/HrPage'));
const AuditPage = lazy(() => import('./pages/audit/AuditPage'));
const CatalogPage = lazy(() => import('./pages/catalog/CatalogPage'));
const ReviewsPage = lazy(() => import('./pages/reviews/ReviewsPage'));
const CampaignsPage = lazy(() => import('./pages/campaigns/CampaignsPage'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers will not change by asking again; a flaky network might.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

function NotFound() {
  return (
    <Page title="Page not found">
      <Alert severity="warning">There is no page at this address.</Alert>
      <Button component={RouterLink} to="/" sx={{ mt: 2 }}>
        Go to the home page
      </Button>
    </Page>
  );
}

function SignedIn() {
  const me = useMeQuery();
  if (me.isPending) return <Box sx={{ p: 3 }}><Loading what="your account" /></Box>;
  if (me.isError) {
    const signedOut = me.error instanceof ApiError && me.error.status === 401;
    return (
      <Box sx={{ p: 3 }} component="main">
        <Alert severity={signedOut ? 'info' : 'error'} action={<Button href={signInUrl()}>Sign in</Button>}>
          {signedOut ? 'Taking you to sign in…' : 'The service cannot be reached right now.'}
        </Alert>
      </Box>
    );
  }
  return (
    <MeProvider me={me.data}>
      <Layout>
        <Suspense fallback={<Loading what="the page" />}>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/approvals" element={<ApprovalsPage />} />
            <Route path="/tasks" element={<TasksPage />} />
            <Route path="/requests" element={<RequestsPage />} />
            <Route path="/requests/new" element={<NewRequestPage />} />
            <Route path="/requests/new/:kind" element={<NewRequestPage />} />
            <Route path="/requests/:id" element={<RequestDetailPage />} />
            <Route path="/hr" element={<HrPage />} />
            <Route path="/reviews" element={<ReviewsPage />} />
            <Route path="/reviews/:id" element={<ReviewsPage />} />
            <Route path="/campaigns" element={<CampaignsPage />} />
            <Route path="/campaigns/:tab" element={<CampaignsPage />} />
            <Route path="/campaigns/:tab/:id" element={<CampaignsPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/audit/:tab" element={<AuditPage />} />
            <Route path="/catalog" element={<CatalogPage />} />
            <Route path="/catalog/:tab" element={<CatalogPage />} />
            <Route path="/catalog/:tab/:key" element={<CatalogPage />} />
            <Route path="/catalog/new/:tab" element={<CatalogPage mode="new" />} />
            <Route path="/catalog/:tab/:key/edit" element={<CatalogPage mode="edit" />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </Layout>
    </MeProvider>
  );
}

export function App() {
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <SignedIn />
        </BrowserRouter>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
