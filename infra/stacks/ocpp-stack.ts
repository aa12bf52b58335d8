// The three WebSocket routes of the OCPP API (lib/routes.ts WS_ROUTES), each with its function.
import { SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import { WebSocketApi, WebSocketRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { WS_ROUTES, type WsRoute, type WsRouteKey } from '../../lib/routes';
import type { DeployConfig } from '../config';
import { AppFunction } from '../constructs/app-function';
import { wsRouteId } from '../ids';
import { acknowledge } from '../nag';
import { importPlatform } from '../platform';
import type { DataStack } from './data-stack';
import type { EdgeStack } from './edge-stack';
import type { EventsStack } from './events-stack';

export interface OcppStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly data: DataStack;
  readonly edge: EdgeStack;
  readonly events: EventsStack;
}

/** One row of WS_ROUTES, deployed. */
export interface DeployedWsRoute {
  readonly row: WsRoute;
  readonly function: AppFunction;
  readonly route: WebSocketRoute;
  /** The row's Lambda REQUEST authorizer, when it has one ($connect). */
  readonly authorizer?: AppFunction;
}

export class OcppStack extends Stack {
  /** By route key. */
  readonly routes: ReadonlyMap<WsRouteKey, DeployedWsRoute>;

  constructor(scope: Construct, id: string, props: OcppStackProps) {
    super(scope, id, props);
    const { edge, events } = props;
    const eventBus = EventBus.fromEventBusName(this, 'EventBus', events.exports.use(this, 'EventBusName'));
    const platform = importPlatform(this, { ...props, eventBus });
    const webSocketApi = WebSocketApi.fromWebSocketApiAttributes(this, 'OcppWebSocketApi', { webSocketId: platform.webSocket.apiId });
    // The value CloudFront puts in X-Origin-Verify, resolved by CloudFormation from the same secret.
    const originVerifySecret = SecretValue.secretsManager(edge.exports.use(this, 'OriginVerifySecretArn')).unsafeUnwrap();

    const routes = new Map<WsRouteKey, DeployedWsRoute>();
    for (const row of WS_ROUTES) {
      const id = wsRouteId(row);
      const fn = new AppFunction(this, id, {
        entry: row.entry,
        description: `${row.routeKey}: ${row.description}`,
        access: row.access,
        platform,
        ...(row.routeKey === '$connect' ? { environment: { ORIGIN_VERIFY_SECRET: originVerifySecret } } : {}),
      });
      // The authorizer's context reaches every later event of the connection (lib/ocpp/connection-context.ts).
      const authorizerFn = row.authorizer
        ? new AppFunction(this, `${id}Authorizer`, {
            entry: row.authorizer.entry,
            description: `${row.routeKey} authorizer: ${row.authorizer.description}`,
            access: row.authorizer.access,
            platform,
            environment: { ORIGIN_VERIFY_SECRET: originVerifySecret },
          })
        : undefined;
      const route = new WebSocketRoute(this, `${id}Route`, {
        webSocketApi,
        routeKey: row.routeKey,
        integration: new WebSocketLambdaIntegration(`${id}Integration`, fn.function),
        ...(authorizerFn && row.authorizer
          ? { authorizer: new WebSocketLambdaAuthorizer(`${id}Authorizer`, authorizerFn.function, { identitySource: [...row.authorizer.identitySource] }) }
          : {}),
        // $default answers a CALL with the function's return value (DESIGN.md §2.6).
        returnResponse: row.routeResponse,
      });
      if (!authorizerFn) {
        acknowledge(route, 'APIG4', 'API Gateway authorizes WebSocket connections at $connect only; this route runs on an already authenticated connection');
      }
      routes.set(row.routeKey, { row, function: fn, route, ...(authorizerFn ? { authorizer: authorizerFn } : {}) });
    }
    this.routes = routes;
  }
}
