import { request as httpRequest } from 'node:http';

/** A plain HTTP answer: status, lower-case headers, body text. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with `node:http`, which (unlike `fetch`) sends any method, `TRACE` included,
 * any `Host` header, and never follows redirects.
 *
 * @example
 * ```ts
 * const { status, headers } = await rawRequest(`${base}/api/webhooks/pylon`, { method: 'TRACE' });
 * ```
 */
export function rawRequest(
  url: string,
  options: { method?: string | undefined; headers?: Record<string, string> | undefined; body?: string | undefined } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
