/**
 * The system of record's catalog, shared by the API and the activities.
 *
 * For workflows/activities: `grantAccess`, `revokeAccess`, `revokeAllAccess`, `revokeAssignment`,
 * `currentAccess`, `currentRoles`, `currentEntitlements`, `accessBySystem` (access.service) and
 * `findRoleVersions`, `findSystems`, `activeSodRules`, `orgChartFor` (lookup.service).
 */
export * from './entities';
export * from './access.service';
export * from './lookup.service';
export * from './views';
