// The one place the app talks to the server: same-origin fetch riding on the session cookie, the CSRF
// token echoed on changes, RFC 9457 problems turned into ApiError with the server's `detail` as is.

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: { path?: string; line?: number; column?: number; message: string }[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title || `The server answered ${problem.status}`);
    this.status = problem.status;
    this.problem = problem;
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

let csrfToken: string | null = null;

/** The token the session endpoint handed out; sent as X-XSRF-TOKEN on every change. */
export function adoptCsrfToken(token: string | null): void {
  csrfToken = token;
}

const signedOutListeners = new Set<() => void>();

/** Called when the server answers 401 to a signed-in page: the session ended (timeout, sign-out elsewhere). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
  /** a text body sent as is with this Content-Type (a recipe's YAML) instead of JSON */
  text?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json', ...options.headers };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  } else if (options.text) {
    headers['Content-Type'] = options.text.contentType;
  }
  if (method !== 'GET' && csrfToken) {
    headers['X-XSRF-TOKEN'] = csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? options.text?.body : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, detail: 'The server cannot be reached. Is Braid running?' });
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && path !== '/api/v1/session') {
      signedOutListeners.forEach((l) => l());
    }
    throw new ApiError(problem);
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const type = response.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const body = await response.json();
    return { status: response.status, ...body };
  } catch {
    return { status: response.status, detail: `The server answered ${response.status} ${response.statusText}` };
  }
}

/** `?a=1&b=2` from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
