/*
 * HTTP plumbing shared by every handler: JSON responses, Status errors and
 * request bodies.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { SelectorError } from './selectors';
import { badRequest, failureStatus, StatusError } from './status';

export const JSON_TYPE = 'application/json';

export function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = JSON_TYPE,
) {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown) {
  if (err instanceof StatusError) {
    send(res, err.code, err.toStatus());
  } else if (err instanceof SelectorError) {
    send(res, 400, badRequest(err.message).toStatus());
  } else {
    send(
      res,
      500,
      failureStatus(500, 'InternalError', `internal error: ${String(err)}`),
    );
  }
}

export async function readBody(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty');
  try {
    // YAML is a superset of JSON; apply patches arrive as YAML.
    return (req.headers['content-type'] ?? '').includes('yaml')
      ? parseYaml(text)
      : JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body could not be decoded: ${String(e)}`);
  }
}

/** How the API server reads boolean query parameters. */
export function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}
