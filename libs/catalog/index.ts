/**
 * The system of record's catalog, shared by the API and the activities.
 *
 * Lookups: `findRoleVersions`, `findSystems`, `activeSodRules`, `orgChartFor` (lookup.service).
 * Access is written only by libs/access/access-writer.ts.
 */
export * from './entities';
export * from './lookup.service';
export * from './views';
