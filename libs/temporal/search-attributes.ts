import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, so operators can filter workflows in the Temporal UI, e.g.
 * `JmlKind = "leaver" AND JmlStatus = "provisioning"`. All Keyword.
 */
export const JmlKind = defineSearchAttributeKey('JmlKind', SearchAttributeType.KEYWORD);
export const JmlIdentity = defineSearchAttributeKey('JmlIdentity', SearchAttributeType.KEYWORD);
export const JmlStatus = defineSearchAttributeKey('JmlStatus', SearchAttributeType.KEYWORD);
export const JmlRequestId = defineSearchAttributeKey('JmlRequestId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = ['JmlKind', 'JmlIdentity', 'JmlStatus', 'JmlRequestId'] as const;
