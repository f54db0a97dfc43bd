/**
 * Lethe's stateless resources: the HTTP API and its functions. Tables come in
 * as typed props from the stateful stack, so this stack can be destroyed and
 * redeployed freely.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { LetheConfig } from '../lethe.config.ts';
import { type JwtSettings, LetheApi, type ThrottleSettings } from './api.ts';

export interface LetheStatelessStackProps extends StackProps {
  /** From `LetheStatefulStack.accountsTable`. */
  readonly accountsTable: ITable;
  readonly config: LetheConfig;
  readonly jwt: JwtSettings;
  readonly throttle?: ThrottleSettings;
  readonly corsAllowOrigins?: readonly string[];
}

export class LetheStatelessStack extends Stack {
  readonly api: LetheApi;

  constructor(scope: Construct, id: string, props: LetheStatelessStackProps) {
    const { accountsTable, config, jwt, throttle, corsAllowOrigins, ...stackProps } = props;
    super(scope, id, {
      description: 'Lethe stateless resources: the HTTP API and its functions',
      ...stackProps,
    });
    this.api = new LetheApi(this, 'Api', {
      accountsTable,
      config,
      jwt,
      ...(throttle !== undefined && { throttle }),
      ...(corsAllowOrigins !== undefined && { corsAllowOrigins }),
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the Lethe HTTP API' });
  }
}
