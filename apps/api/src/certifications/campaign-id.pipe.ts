import { NotFoundException, type PipeTransform } from '@nestjs/common';

/** The shape of a campaign id (documented as the `{id}` pattern of campaign routes). */
export const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,159}$/;

/** Campaign ids are uuids, or `<scheduleId>-<fire time>` for scheduled runs; anything else is unknown (404). */
export class CampaignIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CAMPAIGN_ID.test(value)) throw new NotFoundException(`campaign ${value.slice(0, 80)} not found`);
    return value;
  }
}
