import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';

/** The HTTP client toxiproxy-node-client's `Toxiproxy`, `Proxy` and `Toxic` share (`client.api`). */
type HttpClient = Toxiproxy['api'];
type HttpResponse<T> = Awaited<ReturnType<HttpClient['get']>> & { data: T };

export interface ToxiproxyClientOptions {
  /**
   * Sent as `Authorization: Bearer <token>` on every call (the built-in server's optional API
   * token, HARNESS_TOXIPROXY_TOKEN). Real Toxiproxy ignores the header.
   */
  token?: string;
}

/**
 * The one way the harness talks to a Toxiproxy API: toxiproxy-node-client with a token header.
 * The library sends fixed headers through the global `fetch` and has no hook for more, so its
 * HTTP client (`Toxiproxy.api`, which every `Proxy` and `Toxic` it returns reuses) is replaced
 * by one with the same public methods, answers and errors that adds the header.
 */
export function toxiproxyClient(apiUrl: string, opts: ToxiproxyClientOptions = {}): Toxiproxy {
  const client = new Toxiproxy(apiUrl);
  if (opts.token) client.api = withHeaders(client.api, { Authorization: `Bearer ${opts.token}` });
  return client;
}

/**
 * A subclass of the library's own HttpClient (not exported, so taken from an instance) whose
 * public methods behave as the library's (HttpClient.js, toxiproxy-node-client 4.x): JSON in and
 * out, `ToxiproxyError` "Request failed with status code N" on a non-2xx answer.
 */
function withHeaders(base: HttpClient, headers: Record<string, string>): HttpClient {
  const Base = base.constructor as new () => HttpClient;
  const call = async (url: string, init: RequestInit): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      throw new ToxiproxyError(err.name, err.message, err.stack);
    }
    if (!res.ok) throw new ToxiproxyError('Error', `Request failed with status code ${res.status}`);
    return res;
  };
  const request = async <T>(method: string, url: string, body?: unknown): Promise<HttpResponse<T>> => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    const text = await (await call(url, init)).text();
    if (text.length === 0) return { data: undefined as T };
    try {
      return { data: JSON.parse(text) as T };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      throw new ToxiproxyError(err.name, err.message, err.stack);
    }
  };
  class HeaderHttpClient extends Base {
    override get<T>(url: string) {
      return request<T>('GET', url);
    }
    override post<T>(url: string, body?: unknown) {
      return request<T>('POST', url, body);
    }
    override async delete(url: string): Promise<void> {
      await request('DELETE', url);
    }
    override async getText(url: string): Promise<string> {
      return (await call(url, { method: 'GET' })).text();
    }
  }
  return new HeaderHttpClient();
}
