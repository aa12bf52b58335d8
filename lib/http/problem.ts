// RFC 9457 problem details: the one place domain errors become HTTP responses.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { withSecurityHeaders } from './security-headers';

const STATUS: Record<DomainError['kind'], { status: number; title: string }> = {
  validation: { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  locked: { status: 423, title: 'Locked' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Service unavailable' },
  gone: { status: 410, title: 'Gone' },
  unprocessable: { status: 422, title: 'Unprocessable content' },
  too_large: { status: 413, title: 'Content too large' },
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: withSecurityHeaders({ 'content-type': PROBLEM_CONTENT_TYPE, ...headers }),
    body: JSON.stringify(problem),
  };
}

export function problemFromError(error: unknown, instance?: string): Problem {
  if (error instanceof DomainError) {
    const { status, title } = STATUS[error.kind];
    return {
      type: `https://docs.chargepoint-commissioning.dev/problems/${error.kind.replaceAll('_', '-')}`,
      title,
      status,
      detail: error.message,
      ...(instance ? { instance } : {}),
      ...error.extra,
    };
  }
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred; it has been logged.',
    ...(instance ? { instance } : {}),
  };
}
