import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'jml:isPublic';

/** Marks a route as reachable without signing in (health probes, the sign-in flow itself). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
