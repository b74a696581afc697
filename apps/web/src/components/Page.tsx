import { Box, Typography } from '@mui/material';
import { useEffect, type ReactNode } from 'react';

/** One page: its title in the tab (WCAG 2.4.2) and one h1, then its content. */
export function Page({ title, intro, children, actions }: { title: string; intro?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Access governance`;
  }, [title]);
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', flexWrap: 'wrap', gap: 2, mb: 2 }}>
        <Typography variant="h4" component="h1">
          {title}
        </Typography>
        {actions}
      </Box>
      {intro && (
        <Typography sx={{ mb: 2 }} color="text.secondary">
          {intro}
        </Typography>
      )}
      {children}
    </Box>
  );
}
