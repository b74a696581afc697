export type * from '../domain/request-types';
