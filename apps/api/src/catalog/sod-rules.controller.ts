import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/postgresql';
import { CreateSodRuleInput, SodRuleBody } from '../../../../libs/catalog/inputs';
import { createSodRule, getSodRule, listSodRules, putSodRule, retireSodRule } from '../../../../libs/catalog/sod-rules.service';
import { actorOf, Authenticated, CurrentPrincipal, Roles, type Principal } from '../auth/policy';
import { SodListQuery } from './queries';
import { SodRulePage, SodRuleResponse } from './responses';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('api/v1/sod-rules')
export class SodRulesController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Authenticated()
  @ApiOkResponse({ type: SodRulePage })
  list(@Query() q: SodListQuery) {
    return listSodRules(this.em, q);
  }

  @Post()
  @Roles('admin')
  @ApiOkResponse({ type: SodRuleResponse })
  create(@Body() body: CreateSodRuleInput, @CurrentPrincipal() p: Principal) {
    return createSodRule(this.em, body, actorOf(p));
  }

  @Get(':key')
  @Authenticated()
  @ApiOkResponse({ type: SodRuleResponse })
  get(@Param('key') key: string) {
    return getSodRule(this.em, key);
  }

  @Put(':key')
  @Roles('admin')
  @ApiOkResponse({ type: SodRuleResponse })
  put(@Param('key') key: string, @Body() body: SodRuleBody, @CurrentPrincipal() p: Principal) {
    return putSodRule(this.em, key, body, actorOf(p));
  }

  /** Retires the rule (it stops applying); the rule and its history stay readable. */
  @Delete(':key')
  @Roles('admin')
  @ApiOkResponse({ type: SodRuleResponse })
  retire(@Param('key') key: string, @CurrentPrincipal() p: Principal) {
    return retireSodRule(this.em, key, actorOf(p));
  }
}
