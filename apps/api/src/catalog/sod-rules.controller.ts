import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { CATALOG_KEY, CreateSodRuleInput, PutSodRuleInput } from '../../../../libs/catalog/inputs';
import { ApiErrors } from '../common/openapi/api-errors';
import { KeyParam } from '../common/openapi/params';
import { createSodRule, getSodRule, listSodRules, putSodRule, retireSodRule } from '../../../../libs/catalog/sod-rules.service';
import { actorOf, Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { SodListQuery } from './queries';
import { SodRulePage, SodRuleResponse } from './responses';

@ApiTags('catalog')
@Controller('api/v1/sod-rules')
export class SodRulesController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SodRulePage })
  @ApiErrors(400)
  list(@Query() q: SodListQuery) {
    return listSodRules(this.em, q);
  }

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: SodRuleResponse })
  @ApiErrors(400, [409, 'A rule with this key exists'], 413)
  create(@Body() body: CreateSodRuleInput, @CurrentPrincipal() p: Principal) {
    return createSodRule(this.em, body, actorOf(p));
  }

  @Get(':key')
  @Authenticated()
  @KeyParam('key', CATALOG_KEY, 'rx-prescribe-dispense')
  @ApiOkResponse({ type: SodRuleResponse, description: 'Retired rules stay readable (`retiredAt` set)' })
  @ApiErrors(400, [404, 'No such rule'])
  get(@Param('key') key: string) {
    return getSodRule(this.em, key);
  }

  @Put(':key')
  @Roles('admin')
  @KeyParam('key', CATALOG_KEY, 'rx-prescribe-dispense')
  @ApiOkResponse({ type: SodRuleResponse })
  @ApiErrors(400, [404, 'No such rule'], [409, 'The rule is retired, changed concurrently, or no longer at `expectedRevision`'], 413)
  put(@Param('key') key: string, @Body() body: PutSodRuleInput, @CurrentPrincipal() p: Principal) {
    return putSodRule(this.em, key, body, actorOf(p));
  }

  /** Retires the rule (it stops applying); the rule and its history stay readable. */
  @Delete(':key')
  @Roles('admin')
  @KeyParam('key', CATALOG_KEY, 'rx-prescribe-dispense')
  @ApiOkResponse({ type: SodRuleResponse, description: 'The retired rule' })
  @ApiErrors(400, [404, 'No such rule'], [409, 'Already retired'])
  retire(@Param('key') key: string, @CurrentPrincipal() p: Principal) {
    return retireSodRule(this.em, key, actorOf(p));
  }
}
