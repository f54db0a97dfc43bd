import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/http/routes.ts';
import { config } from '../../lethe.config.ts';
import { DEFAULT_THROTTLE } from '../../lib/api.ts';
import { CONTEXT_KEYS, createApp } from '../../lib/app.ts';
import { cdkJsonContext, logicalIdOf, resourcesOf, synthLethe, testAppProps } from './synth.ts';

// Arrange (shared): one synth for the whole file.
const { stateless, statelessTemplate: template } = synthLethe();
const resources = resourcesOf(template);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const routeByKey = (key: string) => {
  const found = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === key);
  expect(found, `route ${key}`).toHaveLength(1);
  return found[0]![1].Properties;
};
const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
const jwtAuthorizerId = authorizers[0]![0];

/** The function a route's Lambda integration invokes. */
const targetFunctionOf = (route: Record<string, unknown>): string => {
  const target = JSON.stringify(route.Target);
  const integrationId = /"Ref":"([^"]+)"/.exec(target)![1]!;
  const uri = JSON.stringify(resources[integrationId]!.Properties.IntegrationUri);
  return /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(uri)![1]!;
};

describe('LetheApi routes', () => {
  it('has one JWT authorizer, configured from cdk.json context', () => {
    const context = cdkJsonContext();
    expect(authorizers).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: context[CONTEXT_KEYS.jwtIssuer],
        Audience: context[CONTEXT_KEYS.jwtAudience],
      },
    });
  });

  it('has exactly the declared routes plus $default', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual([...routes.map((r) => `${r.method} ${r.path}`), '$default'].sort());
  });

  it.each(routes.filter((r) => r.auth === 'jwt').map((r) => `${r.method} ${r.path}`))(
    '%s is behind the JWT authorizer',
    (key) => {
      const route = routeByKey(key);
      expect(route.AuthorizationType).toBe('JWT');
      expect(route.AuthorizerId).toEqual({ Ref: jwtAuthorizerId });
    },
  );

  it('leaves GET /health open', () => {
    const route = routeByKey('GET /health');
    expect(route.AuthorizationType).toBe('NONE');
    expect(route.AuthorizerId).toBeUndefined();
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r.id] as const))(
    '%s invokes the %s function',
    (key, id) => {
      expect(targetFunctionOf(routeByKey(key))).toBe(logicalIdOf(stateless.api.functions.get(id)!));
    },
  );

  it('sends unknown routes and methods ($default) to the not-found function, without auth', () => {
    const route = routeByKey('$default');
    expect(route.AuthorizationType).toBe('NONE');
    expect(targetFunctionOf(route)).toBe(logicalIdOf(stateless.api.functions.get('not-found')!));
  });

  it('uses payload format 2.0 for every integration', () => {
    for (const [, integration] of ofType('AWS::ApiGatewayV2::Integration')) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    }
  });
});

describe('LetheApi stage', () => {
  it('has one auto-deployed $default stage with default throttling', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
        ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
      },
    });
  });

  it('writes JSON access logs to a log group with retention', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const settings = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    const [logGroupId] = (settings.DestinationArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    expect(resources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroupId]!.Properties.RetentionInDays).toBe(config.logRetentionDays);
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.status).toBe('$context.status');
  });

  it('keeps paths, bodies, tokens and the caller id out of access logs (I7)', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    const { Format } = stage.Properties.AccessLogSettings as { Format: string };
    for (const forbidden of [
      '$context.path',
      'body',
      'header',
      'Authorization',
      'claims',
      '$context.authorizer.sub',
    ]) {
      expect(Format).not.toContain(forbidden);
    }
    expect(Format).toContain('$context.routeKey');
  });

  it('has CORS off unless configured', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', {});
  });
});

describe('deploy settings from context', () => {
  it('turns CORS on and changes throttling when the context says so', () => {
    // Arrange
    const context = {
      [CONTEXT_KEYS.corsAllowOrigins]: 'https://app.example.com, https://admin.example.com',
      [CONTEXT_KEYS.throttleRateLimit]: '5',
      [CONTEXT_KEYS.throttleBurstLimit]: 10,
    };
    // Act
    const { statelessTemplate } = synthLethe(context, { nag: false });
    // Assert
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://app.example.com', 'https://admin.example.com'],
        AllowHeaders: ['authorization', 'content-type'],
      }),
    });
    statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
  });

  it.each([
    ['an empty issuer', { [CONTEXT_KEYS.jwtIssuer]: '' }, /"lethe:jwtIssuer" is missing or empty/],
    ['no issuer', { [CONTEXT_KEYS.jwtIssuer]: undefined }, /"lethe:jwtIssuer" is missing or empty/],
    ['an http issuer', { [CONTEXT_KEYS.jwtIssuer]: 'http://idp.example.com/' }, /must be one https URL/],
    ['an empty audience', { [CONTEXT_KEYS.jwtAudience]: [] }, /"lethe:jwtAudience" is missing or empty/],
    ['a blank audience', { [CONTEXT_KEYS.jwtAudience]: ' , ' }, /"lethe:jwtAudience" is missing or empty/],
    ['a zero rate limit', { [CONTEXT_KEYS.throttleRateLimit]: 0 }, /positive whole number/],
  ])('refuses %s with a clear error', (_name, context, message) => {
    expect(() => createApp({ appProps: testAppProps(context), nag: false })).toThrow(message);
  });
});
