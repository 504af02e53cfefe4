// The Web Crypto backend (Cloudflare Workers, the Next.js Edge runtime) against the same vectors
// and behaviour as node:crypto: this file resolves `#crypto` to crypto-web.ts, so every module
// imported below verifies with the runtime's real `crypto.subtle`, as those runtimes do.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { KAT, KAT_BODY, KAT_BYTE_KEY_SHA256, KAT_TIMESTAMPED_SHA256, KAT_WEBHOOKS_B, KAT_WEBHOOKS_B_OPTIONS } from '../test/hmac-vectors.js';
import { cryptoBackend as webBackend } from './crypto-web.js';
import type { HmacAlgorithm } from './crypto-backend.js';
import type { DigestEncoding } from './digest-encoding.js';
import { HookgateError } from './errors.js';
import { createWebhookHandler } from './handler.js';
import { MemoryStore } from './memory-store.js';
import { defineProvider } from './provider.js';
import { prepareSecrets } from './secrets.js';
import { hmac, hmacWithTimestamp, verifierFor, type VerificationResult, type VerificationStrategy } from './verify-hmac.js';

vi.mock('#crypto', () => import('./crypto-web.js'));
// The real node:crypto backend to compare with (past the mock, which the test config aliases it to).
const { cryptoBackend: nodeBackend } = await vi.importActual<typeof import('./crypto-node.js')>('./crypto-node.js');

const ALGORITHMS: readonly HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];
const ENCODINGS: readonly DigestEncoding[] = ['hex', 'base64', 'base64url'];
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const NOW = 1_732_550_400_000;

async function verify(strategy: VerificationStrategy, headers: Record<string, string>, body: string, secrets = prepareSecrets('whsec-test')) {
  return strategy.verifyAsync!({ method: 'POST', headers, rawBody: bytes(body) }, secrets, NOW);
}

function reason(result: VerificationResult): string | undefined {
  return result.ok ? undefined : result.reason;
}

describe('Web Crypto backend: known-answer vectors (Python hmac)', () => {
  it('is the backend of this file, and keys stay bytes', () => {
    expect(prepareSecrets('k').keys[0]).toBeInstanceOf(Uint8Array);
  });

  for (const algorithm of ALGORITHMS) {
    for (const encoding of ENCODINGS) {
      it(`${algorithm} ${encoding}: verifyAsync accepts the vector, refuses a changed body and a changed digest`, async () => {
        const expected = KAT[algorithm][encoding];
        const strategy = hmac({ header: 'X-Sig', algorithm, encoding });
        expect(await verify(strategy, { 'x-sig': expected }, KAT_BODY)).toMatchObject({ ok: true, secretIndex: 0 });
        expect(reason(await verify(strategy, { 'x-sig': expected }, `${KAT_BODY} `))).toBe('signature_mismatch');
        const flipped = `${expected.startsWith('A') ? 'B' : 'A'}${expected.slice(1)}`;
        expect(reason(await verify(strategy, { 'x-sig': flipped }, KAT_BODY))).toBe('signature_mismatch');
        expect(await webBackend.hmac(algorithm, webBackend.hmacKey(bytes('whsec-test')), [KAT_BODY], encoding)).toBe(expected);
      });
    }
  }

  it('a byte key (not valid UTF-8 text)', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, index) => index);
    expect(await verify(hmac({ header: 'X-Sig' }), { 'x-sig': KAT_BYTE_KEY_SHA256 }, KAT_BODY, prepareSecrets(key))).toMatchObject({ ok: true });
  });

  it('timestamped message `${ts}.${body}`, inside and outside the tolerance window', async () => {
    const strategy = hmacWithTimestamp({ header: 'X-Sig', timestampHeader: 'X-Ts' });
    const headers = { 'x-ts': '1732550400', 'x-sig': KAT_TIMESTAMPED_SHA256 };
    expect(await verify(strategy, headers, KAT_BODY)).toMatchObject({ ok: true });
    const late = await strategy.verifyAsync!({ method: 'POST', headers, rawBody: bytes(KAT_BODY) }, prepareSecrets('whsec-test'), NOW + 301_000);
    expect(reason(late)).toBe('timestamp_too_old');
  });

  it('Webhooks B: POST|X-Timestamp|body, sha512, base64, v1=', async () => {
    const strategy = hmac(KAT_WEBHOOKS_B_OPTIONS);
    const headers = { 'x-timestamp': '1732550400', 'x-webhook-signature': `v1=${KAT_WEBHOOKS_B}` };
    expect(await verify(strategy, headers, '{"userActionNotificationEventType":"user.action"}')).toMatchObject({ ok: true });
  });

  it('rotation: the matching secret index is reported', async () => {
    const strategy = hmac({ header: 'X-Sig' });
    const result = await verify(strategy, { 'x-sig': KAT.sha256.hex }, KAT_BODY, prepareSecrets(['old', 'whsec-test']));
    expect(result).toMatchObject({ ok: true, secretIndex: 1 });
  });

  it('sync verify() and sign() refuse with unsupported_runtime; handlers pick verifyAsync once', () => {
    const strategy = hmac({ header: 'X-Sig' });
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof HookgateError ? error.code : 'other';
      }
      return undefined;
    };
    expect(code(() => strategy.verify({ method: 'POST', headers: {}, rawBody: bytes('') }, prepareSecrets('k')))).toBe('unsupported_runtime');
    expect(code(() => strategy.sign({ secret: 'k', body: '' }))).toBe('unsupported_runtime');
    const chosen = verifierFor(strategy);
    expect(chosen({ method: 'POST', headers: { 'x-sig': KAT.sha256.hex }, rawBody: bytes(KAT_BODY) }, prepareSecrets('whsec-test'))).toBeInstanceOf(Promise);
  });
});

describe('Web Crypto backend: same digests as node:crypto', () => {
  const chunk = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.uint8Array({ maxLength: 64 }),
    // Lone surrogates at chunk edges: both backends encode each text chunk on its own.
    fc.constantFrom('\ud83d', '\ude00', 'é', '✓'),
  );

  it('HMAC of any chunks, key, algorithm and encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.array(chunk, { maxLength: 6 }),
        fc.constantFrom(...ALGORITHMS),
        fc.constantFrom(...ENCODINGS),
        async (key, chunks, algorithm, encoding) => {
          const expected = nodeBackend.hmac(algorithm, nodeBackend.hmacKey(key), chunks, encoding);
          expect(await webBackend.hmac(algorithm, webBackend.hmacKey(key), chunks, encoding)).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('SHA-256 dedupe keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(chunk, { maxLength: 6 }), async (chunks) => {
        expect(await webBackend.sha256Hex(chunks)).toBe(nodeBackend.sha256Hex(chunks));
      }),
      { numRuns: 200 },
    );
  });
});

describe('Web Crypto backend: a handler end to end', () => {
  const provider = defineProvider({
    id: 'shop',
    verification: hmac({ header: 'X-Shop-Signature', signature: 'sha256={digest}' }),
    events: {
      'order.paid': {
        '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value: value as { type: string } }) },
      },
    },
    eventType: (body) => (typeof body.type === 'string' ? body.type : undefined),
  });
  const body = '{"type":"order.paid"}';
  const signature = `sha256=${nodeBackend.hmac('sha256', nodeBackend.hmacKey(bytes('whsec-test')), [body], 'hex')}`;
  const request = (header: string) => ({ method: 'POST', headers: { 'x-shop-signature': header }, rawBody: bytes(body) });

  it('handles, then answers a copy as a duplicate under the dedupe key node:crypto computes', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    const handler = createWebhookHandler({ provider, secret: 'whsec-test', store }).onAny((_event, context) => void seen.push(context.dedupeKey!));
    expect(await handler.handle(request(signature))).toMatchObject({ status: 200, kind: 'handled' });
    expect(await handler.handle(request(signature))).toMatchObject({ status: 200, kind: 'duplicate' });
    expect(seen).toEqual([createHash('sha256').update(body).digest('hex')]);
    expect(await handler.handle(request(`sha256=${'0'.repeat(64)}`))).toMatchObject({ status: 401, reason: 'signature_mismatch' });
  });
});
