import { AppBar, Box, Button, Drawer, Link, List, ListItem, ListItemButton, ListItemText, Toolbar, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router';
import { hasRole, useMe, type AppRole } from '../lib/me';

interface NavItem {
  to: string;
  label: string;
  /** Internal roles that see the entry; none: everyone (approvers and owners come from the catalog). */
  roles?: AppRole[];
}

export const NAV: NavItem[] = [
  { to: '/', label: 'Home' },
  { to: '/approvals', label: 'My approvals' },
  { to: '/tasks', label: 'My tasks' },
  { to: '/requests', label: 'Requests' },
  { to: '/requests/new', label: 'New request', roles: ['requester', 'admin'] },
  { to: '/hr', label: 'HR: leavers', roles: ['hr', 'admin'] },
  { to: '/reviews', label: 'Access reviews' },
  { to: '/campaigns', label: 'Campaigns', roles: ['admin', 'auditor'] },
  { to: '/audit', label: 'Audit', roles: ['auditor', 'admin'] },
  { to: '/catalog', label: 'Catalog' },
];

const WIDTH = 220;

function isCurrent(path: string, to: string): boolean {
  if (to === '/') return path === '/';
  if (to === '/requests') return path === '/requests' || (path.startsWith('/requests/') && path !== '/requests/new');
  return path === to || path.startsWith(`${to}/`);
}

export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const { pathname } = useLocation();
  const items = NAV.filter((n) => !n.roles || hasRole(me, ...n.roles));
  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <Link
        href="#main"
        sx={{ position: 'absolute', left: -9999, '&:focus': { left: 8, top: 8, zIndex: 2000, bgcolor: 'background.paper', p: 1 } }}
      >
        Skip to content
      </Link>
      <AppBar position="fixed" sx={{ zIndex: (t) => t.zIndex.drawer + 1 }}>
        <Toolbar sx={{ gap: 2 }}>
          <Typography variant="h6" component="p" sx={{ flexGrow: 1 }}>
            Access governance
          </Typography>
          <Typography component="p" aria-label="Signed in as">
            {me.principal.displayName}
            {me.roles.length > 0 && ` · ${me.roles.join(', ')}`}
          </Typography>
          <Button color="inherit" href="/auth/logout" variant="outlined">
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      <Drawer variant="permanent" sx={{ width: WIDTH, flexShrink: 0, '& .MuiDrawer-paper': { width: WIDTH, boxSizing: 'border-box' } }}>
        <Toolbar />
        <Box component="nav" aria-label="Main">
          <List>
            {items.map((n) => {
              const current = isCurrent(pathname, n.to);
              return (
                <ListItem key={n.to} disablePadding>
                  <ListItemButton component={NavLink} to={n.to} end selected={current} aria-current={current ? 'page' : undefined}>
                    <ListItemText primary={n.label} />
                  </ListItemButton>
                </ListItem>
              );
            })}
          </List>
        </Box>
      </Drawer>
      <Box component="main" id="main" tabIndex={-1} sx={{ flexGrow: 1, p: 3, minWidth: 0 }}>
        <Toolbar />
        {children}
      </Box>
    </Box>
  );
}
