// One HTTP API route and function per row of HTTP_ROUTES (lib/routes.ts) whose `stack` is this
// stack's, plus, in the `Api` stack, the `$default` route (HTTP_FALLBACK_ROUTE) that answers
// unmatched requests with problem+json 404/405. All of them attach to the one HTTP API of the Edge stack.
import { Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { HTTP_FALLBACK_ROUTE, HTTP_ROUTES, type ApiStackName, type HttpAuth, type HttpFallbackRoute, type HttpRoute as HttpRouteRow } from '../../lib/routes';
import type { DeployConfig } from '../config';
import { AppFunction } from '../constructs/app-function';
import { httpRouteId } from '../ids';
import { acknowledge } from '../nag';
import { importPlatform } from '../platform';
import type { DataStack } from './data-stack';
import type { EdgeStack } from './edge-stack';
import type { EventsStack } from './events-stack';

export interface ApiStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly data: DataStack;
  readonly edge: EdgeStack;
  readonly events: EventsStack;
  /** Which rows of HTTP_ROUTES this stack deploys (those whose `stack` is this name). */
  readonly routesOf: ApiStackName;
}

/** One row of HTTP_ROUTES, deployed. */
export interface DeployedHttpRoute {
  readonly row: HttpRouteRow | HttpFallbackRoute;
  readonly function: AppFunction;
  readonly route: HttpRoute;
}

/** Why a route has no API Gateway authorizer: authentication happens in the handler (lib/http). */
const AUTH_REASON: { readonly [A in HttpAuth]: string } = {
  none: 'Public by design (job page, health, invitations): the handler validates its input and exposes nothing private',
  operator: 'Operator API key checked in the handler (lib/http/operator-auth.ts) against a hash in the table, or an operator staff account token (JWT, jwt-signing secret) with its role read from the table',
  installer: 'Installer token (JWT, jwt-signing secret) verified in the handler; an API Gateway JWT authorizer cannot check the per-job claims',
  account: 'Account token (JWT, jwt-signing secret) verified in the handler, which also checks the account is active and the token newer than its last password change',
};

export class ApiStack extends Stack {
  /** By route key, `GET /api/v1/…`, and `$default`. */
  readonly routes: ReadonlyMap<string, DeployedHttpRoute>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { edge, events } = props;
    const eventBus = EventBus.fromEventBusName(this, 'EventBus', events.exports.use(this, 'EventBusName'));
    const platform = importPlatform(this, { ...props, eventBus });
    const httpApi = HttpApi.fromHttpApiAttributes(this, 'HttpApi', { httpApiId: edge.exports.use(this, 'HttpApiId') });

    const routes = new Map<string, DeployedHttpRoute>();
    for (const row of HTTP_ROUTES.filter((r) => (r.stack ?? 'Api') === props.routesOf)) {
      const id = httpRouteId(row);
      const routeKey = `${row.method} ${row.path}`;
      const fn = new AppFunction(this, id, { entry: row.entry, description: `${routeKey}: ${row.description}`, access: row.access, platform });
      const route = new HttpRoute(this, `${id}Route`, {
        httpApi,
        routeKey: HttpRouteKey.with(row.path, HttpMethod[row.method]),
        integration: new HttpLambdaIntegration(`${id}Integration`, fn.function),
      });
      acknowledge(route, 'APIG4', AUTH_REASON[row.auth]);
      routes.set(routeKey, { row, function: fn, route });
    }
    this.routes = routes;
    if (props.routesOf !== 'Api') return;
    // Construct id frozen once deployed: 'Unmatched' (constructId refuses 'Default').
    const fallback = new AppFunction(this, 'Unmatched', {
      entry: HTTP_FALLBACK_ROUTE.entry,
      description: `${HTTP_FALLBACK_ROUTE.routeKey}: ${HTTP_FALLBACK_ROUTE.description}`,
      access: HTTP_FALLBACK_ROUTE.access,
      platform,
    });
    const fallbackRoute = new HttpRoute(this, 'UnmatchedRoute', {
      httpApi,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('UnmatchedIntegration', fallback.function),
    });
    acknowledge(fallbackRoute, 'APIG4', AUTH_REASON.none);
    routes.set(HTTP_FALLBACK_ROUTE.routeKey, { row: HTTP_FALLBACK_ROUTE, function: fallback, route: fallbackRoute });
  }
}
