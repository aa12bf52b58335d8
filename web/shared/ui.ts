// What the pages' scripts share (the job page, web/job/app.ts; the invitation page,
// web/invitation/app.ts): building DOM, showing a time, and one JSON request that turns a failure
// into a RequestFailed carrying the API's problem+json. esbuild bundles it into each page's script.

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  /** Why, where the API says more than the status (e.g. login's `email_not_verified`). */
  reason?: string;
  errors?: { field: string; message: string }[];
}

/** Why a request did not succeed: no answer at all (offline, timeout) or an answer with a problem. */
export class RequestFailed extends Error {
  constructor(
    readonly problem: Problem | null,
    message: string,
  ) {
    super(message);
  }
}

export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string | boolean | ((e: Event) => void)> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false) el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * One JSON request to this origin's API: the body on success, else a RequestFailed with the
 * problem (or none, when no answer came). `bearer`: an access token held in memory by the caller.
 */
export async function request<T>(method: string, url: string, body?: unknown, bearer?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), cache: 'no-store' });
  } catch {
    throw new RequestFailed(null, 'No connection to the server.');
  }
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  let problem: Problem = { status: res.status };
  try {
    problem = { ...(await res.json()), status: res.status } as Problem;
  } catch {
    // Not problem+json (a gateway error page): the status alone says enough.
  }
  throw new RequestFailed(problem, problem.detail ?? (res.status >= 500 ? 'The server had a problem.' : `The server refused it (${res.status}).`));
}
