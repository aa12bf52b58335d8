// Every REST handler is built with httpHandler(): middy runs auth, parses and validates the JSON
// body, path and query with zod, and maps any error to problem+json in one place. The handler body
// then only calls one use case and shapes the reply (STYLE.md, "Handlers are adapters").
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { deny, type Action } from '../domain/access';
import { PayloadTooLarge, Unauthorized, ValidationFailed, type FieldIssue } from '../domain/errors';
import { log } from '../log';
import { authenticateInstaller, type InstallerPrincipal } from './installer-auth';
import { authenticateOperator, type OperatorPrincipal } from './operator-auth';
import { fieldMessage } from './field-messages';
import { problemFromError, problemResponse } from './problem';
import { stringProblem } from '../db/storable';
import { unstorableValues } from './storable';
import { withSecurityHeaders } from './security-headers';

export type AuthKind = 'none' | 'operator' | 'installer' | 'account';

export type { InstallerPrincipal } from './installer-auth';

/**
 * `account` routes get the same person as `installer` routes (one kind of account, issue #16); what
 * the account may do there depends on its memberships, which the use case resolves.
 */
export interface AccountPrincipal {
  readonly kind: 'account';
  readonly accountId: string;
  readonly email: string;
}

type PrincipalFor<A extends AuthKind> = A extends 'operator' ? OperatorPrincipal : A extends 'installer' ? InstallerPrincipal : A extends 'account' ? AccountPrincipal : null;

export interface HttpRequest<B, P, Q, A extends AuthKind> {
  readonly body: B;
  readonly params: P;
  readonly query: Q;
  readonly principal: PrincipalFor<A>;
  readonly event: APIGatewayProxyEventV2;
}

/** The success status is the route's contract (lib/api/contract.ts), not the handler's to choose. */
export interface HttpReply {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /**
   * A conditional GET whose `If-None-Match` matched (RFC 9110 §15.4.5): 304 with the headers (ETag)
   * and no body. Only for routes whose contract is `conditional`.
   */
  readonly notModified?: boolean;
  /**
   * A body that is not JSON (a CSV or NDJSON export), sent as it is; `headers` carries its
   * content-type (and content-disposition). Only for routes whose contract declares `media`.
   */
  readonly text?: string;
}

export interface HttpSpec<B extends z.ZodType, P extends z.ZodType, Q extends z.ZodType, A extends AuthKind> {
  readonly auth: A;
  /**
   * What the route does, in the one role × action table (lib/domain/access.ts). Checked here against
   * the caller's role before anything else runs (403); membership-scoped routes check it again
   * against the membership they reach.
   */
  readonly action: Action;
  readonly body?: B;
  /**
   * The request body is not JSON but text of this media type (a CSV upload, issue #17): the handler
   * gets it as a string, which `body` (a string schema) validates. At most TEXT_BODY_LIMIT_BYTES.
   * @default - a JSON body
   */
  readonly bodyMedia?: 'text/csv';
  readonly params?: P;
  readonly query?: Q;
  /** The status of a successful answer. @default 200 */
  readonly status?: number;
}

export function zodIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  const fieldOf = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter((s) => s !== undefined && s !== '').join('.') || (prefix ?? '(root)');
  // A field a strict schema does not take is named itself (a probe read `(root)` for {"urll": …}).
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((key) => ({ field: fieldOf([...i.path, key]), message: 'is not a field this request takes' })) : [{ field: fieldOf(i.path), message: i.message }],
  );
}

function parseWith<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value, { error: fieldMessage });
  if (!result.success) {
    const issues = zodIssues(result.error, where === 'body' ? undefined : where);
    throw new ValidationFailed(`Invalid ${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data;
}

function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new ValidationFailed('The request body is not valid JSON', [{ field: 'body', message: 'must be valid JSON' }]);
  }
  // Before the route's schema: a number DynamoDB cannot store or a string a strict JSON reader
  // cannot read back is refused for every route, whatever its schema lets through (storable.ts).
  const issues = unstorableValues(body);
  if (issues.length > 0) throw new ValidationFailed(`Invalid body: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
  return body;
}

/**
 * A text upload's limit, far below the gateway's 10 MB: a charger catalogue file holds at most 50
 * rows (domain/devices.ts), ~10 KB; 64 KiB leaves room for long names and a spreadsheet's quoting.
 */
export const TEXT_BODY_LIMIT_BYTES = 64 * 1024;

/** A text body of the declared media type (`text/csv; charset=utf-8` matches `text/csv`), UTF-8. */
function readTextBody(event: APIGatewayProxyEventV2, media: string): string {
  const contentType = headerValue(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== media) throw new ValidationFailed(`Send the body as ${media}`, [{ field: 'content-type', message: `must be ${media}` }]);
  const bytes = event.body === undefined ? Buffer.alloc(0) : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > TEXT_BODY_LIMIT_BYTES) {
    throw new PayloadTooLarge(`The body is ${bytes.length} bytes; at most ${TEXT_BODY_LIMIT_BYTES} bytes (64 KiB) are accepted here: split the file`, { limit_bytes: TEXT_BODY_LIMIT_BYTES });
  }
  // A byte-order mark some spreadsheet programs write is not part of the first header name.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  // UTF-8 decoding leaves no lone surrogate (bad bytes become U+FFFD), but a NUL passes through.
  const message = stringProblem(text);
  if (message) throw new ValidationFailed(`Invalid body: ${message}`, [{ field: 'body', message }]);
  return text;
}

/** API Gateway HTTP APIs (payload 2.0) and the local runtime pass header names in lower case. */
function headerValue(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const value = event.headers?.[name]?.trim();
  return value ? value : undefined;
}

/** The `Authorization: Bearer` token; also the credential of `none` routes a device calls with its own secret (a meter's readings). */
export function bearerToken(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/**
 * A `none` route whose caller proves itself with its own secret (a meter's readings): `check` runs
 * first, before the path, query and body are validated, so a caller without the secret learns
 * nothing about what a valid request looks like (401 before any 400). What it answers (the
 * authenticated device) reaches the handler as `credential`: it is not read twice.
 */
export interface OwnCredential<C> {
  readonly check: (event: APIGatewayProxyEventV2) => Promise<C>;
}

export function httpHandler<
  A extends AuthKind,
  B extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  C = undefined,
>(spec: HttpSpec<B, P, Q, A>, fn: (req: HttpRequest<z.infer<B>, z.infer<P>, z.infer<Q>, A> & { readonly credential: NoInfer<C> }) => Promise<HttpReply>, own?: OwnCredential<C>) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .onError(async (request) => {
      const problem = problemFromError(request.error, request.event.rawPath);
      if (problem.status >= 500) log.error('unhandled error', { error: request.error, path: request.event.rawPath });
      const headers: Record<string, string> = {};
      if (typeof problem.retry_after_seconds === 'number') headers['retry-after'] = String(problem.retry_after_seconds);
      if (problem.status === 401) headers['www-authenticate'] = 'Bearer';
      request.response = problemResponse(problem, headers);
    })
    .handler(async (event) => {
      let principal: OperatorPrincipal | InstallerPrincipal | AccountPrincipal | null = null;
      if (spec.auth === 'operator') {
        const token = bearerToken(event);
        if (!token) throw new Unauthorized('Send the operator API key (or a staff account\'s access token) as `Authorization: Bearer <token>`');
        principal = await authenticateOperator(token, headerValue(event, 'operator-id'));
        if (!principal.actions.includes(spec.action)) deny(spec.action, principal.description);
      } else if (spec.auth === 'installer') {
        const token = bearerToken(event);
        if (!token) throw new Unauthorized('Send the access token from /api/v1/installer/login as `Authorization: Bearer <token>`');
        principal = await authenticateInstaller(token);
      } else if (spec.auth === 'account') {
        const token = bearerToken(event);
        if (!token) throw new Unauthorized('Send the access token from /api/v1/installer/login as `Authorization: Bearer <token>`');
        const person = await authenticateInstaller(token);
        principal = { kind: 'account', accountId: person.installerId, email: person.email };
      }
      const credential = own ? await own.check(event) : (undefined as C);
      const params = parseWith(spec.params, event.pathParameters ?? {}, 'path');
      const query = parseWith(spec.query, event.queryStringParameters ?? {}, 'query');
      const body = spec.body ? parseWith(spec.body, spec.bodyMedia ? readTextBody(event, spec.bodyMedia) : readJsonBody(event), 'body') : undefined;
      const reply = await fn({
        body: body as z.infer<B>,
        params: params as z.infer<P>,
        query: query as z.infer<Q>,
        principal: principal as PrincipalFor<A>,
        event,
        credential,
      });
      if (reply.notModified) return { statusCode: 304, headers: withSecurityHeaders(reply.headers), body: '' };
      const status = spec.status ?? 200;
      if (reply.text !== undefined) return { statusCode: status, headers: withSecurityHeaders(reply.headers), body: reply.text };
      if (reply.body === undefined) return { statusCode: status, headers: withSecurityHeaders(reply.headers), body: '' };
      return { statusCode: status, headers: withSecurityHeaders({ 'content-type': 'application/json', ...reply.headers }), body: JSON.stringify(reply.body) };
    });
}
