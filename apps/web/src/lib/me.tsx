import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { api, unwrap, type Schemas } from '../api/client';

export type Me = Schemas['MeDto'];
export type AppRole = Me['roles'][number];

const MeContext = createContext<Me | null>(null);

export function useMeQuery() {
  return useQuery({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/v1/me')), staleTime: 60_000 });
}

export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext.Provider value={me}>{children}</MeContext.Provider>;
}

/** The signed-in person (the app renders nothing that needs it before /me answers). */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside MeProvider');
  return me;
}

export function hasRole(me: Me, ...roles: AppRole[]): boolean {
  return roles.some((r) => me.roles.includes(r));
}

export const myKey = (me: Me): string | null => me.identity?.key ?? null;
