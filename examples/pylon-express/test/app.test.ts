import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fixtures, signPylon } from '@hookgate/provider-pylon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

const SECRET = 'example-secret';
const lines: string[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createApp({ secret: SECRET, log: (line) => lines.push(line) }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

async function send(delivery: { headers: Record<string, string>; body: string }): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  await response.arrayBuffer();
  return response.status;
}

describe('examples/pylon-express', () => {
  it('handles every signed fixture and logs like the seed example', async () => {
    for (const payload of Object.values(fixtures.valid)) {
      expect(await send(signPylon({ payload, secret: SECRET }))).toBe(200);
    }
    // Pylon's servers sign the body alone (no timestamp header) today.
    expect(await send(signPylon({ payload: fixtures.valid.IssueNewEvent, secret: SECRET, timestamp: null }))).toBe(200);
    expect(lines).toEqual([
      'New issue: Exports to CSV time out for large workspaces',
      'Event: issue_new',
      'Assigned to: 2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b',
      'Event: issue_assigned',
      'Event: issue_status_changed',
      'Event: issue_message_new',
      'New issue: Exports to CSV time out for large workspaces',
      'Event: issue_new',
    ]);
  });

  it('answers 401 for a bad signature, 400 for a malformed body, 202 for an unknown event', async () => {
    const before = lines.length;
    expect(await send(signPylon({ payload: fixtures.valid.IssueNewEvent, secret: 'wrong-secret' }))).toBe(401);
    const invalid = fixtures.invalid['issue-new-without-title']!;
    expect(await send(signPylon({ payload: invalid.payload, secret: SECRET }))).toBe(400);
    const unknown = fixtures.unknown['untyped-event']!;
    expect(await send(signPylon({ payload: unknown.payload, secret: SECRET }))).toBe(202);
    expect(lines.length).toBe(before);
  });
});
