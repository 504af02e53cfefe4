import {
  HookgateError,
  listSummaries,
  type Delivery,
  type DeliveryPage,
  type DeliverySummary,
  type DeliveryStatus,
  type DeliveryStore,
  type ListQuery,
} from '@hookgate/core';
import { decodeCursor, type ClaimResult } from '@hookgate/core/store';
import { createDeliveryId } from '@hookgate/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { bulkInsert } from '../src/index.js';
import { T0, everyStoreCall, makeDelivery } from './helpers.js';

/** One store under test, fresh and empty. */
export interface StoreUnderTest {
  store: DeliveryStore;
  /**
   * Closes the store and opens the same data again. Absent for stores that keep nothing
   * across instances (MemoryStore).
   */
  reopen?: (() => Promise<DeliveryStore>) | undefined;
  /** Releases everything (temp files, schemas). Called after each test. */
  dispose(): Promise<void>;
}

/** Opens a fresh, empty store with the given options. */
export type StoreFactory = (options: { maxBodyBytes?: number }) => Promise<StoreUnderTest>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const encoder = new TextEncoder();

/**
 * The DeliveryStore contract: every implementation (MemoryStore, SQLite, PostgreSQL) must pass
 * exactly these tests, so the dashboard and handlers can rely on identical behaviour.
 */
export function describeDeliveryStoreContract(name: string, factory: StoreFactory, traits: { persistent: boolean }): void {
  describe(`DeliveryStore contract: ${name}`, () => {
    const opened: StoreUnderTest[] = [];
    async function open(options: { maxBodyBytes?: number } = {}): Promise<StoreUnderTest> {
      const target = await factory(options);
      opened.push(target);
      return target;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((target) => target.dispose()));
    });

    async function listAll(store: DeliveryStore, query: ListQuery = {}): Promise<Delivery[]> {
      const all: Delivery[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.list({ ...query, cursor });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return all;
    }

    describe('record and get', () => {
      it('reads back every field as a flat, JSON-serialisable Delivery', async () => {
        const { store } = await open();
        const input = makeDelivery({
          provider: 'webhooks-b',
          event: 'userNotificationEvent',
          variant: 'UserActionNotificationEvent',
          status: 'handler_error',
          reason: 'handler_threw',
          message: 'boom',
          dedupeKey: 'sha256:abc',
          duplicateOf: null,
          secretIndex: 1,
          method: 'POST',
          path: '/webhooks/webhooks-b',
          headers: { 'content-type': 'application/json', 'x-webhook-signature': '[redacted]' },
          rawBody: encoder.encode('{"user":{"id":7},"ünïcødé":"✓"}'),
          payload: { user: { id: 7 }, list: [1, 'two', null, true], ünïcødé: '✓' },
          durationMs: 12.375,
          at: 1234,
        });
        await store.record(input);
        const stored = await store.get(input.id);
        expect(stored).toEqual({
          id: input.id,
          receivedAt: '2026-03-01T12:00:01.234Z',
          provider: 'webhooks-b',
          event: 'userNotificationEvent',
          variant: 'UserActionNotificationEvent',
          status: 'handler_error',
          reason: 'handler_threw',
          message: 'boom',
          dedupeKey: 'sha256:abc',
          duplicateOf: null,
          secretIndex: 1,
          method: 'POST',
          path: '/webhooks/webhooks-b',
          headers: { 'content-type': 'application/json', 'x-webhook-signature': '[redacted]' },
          body: '{"user":{"id":7},"ünïcødé":"✓"}',
          bodyEncoding: 'utf8',
          bodyTruncated: false,
          payload: { user: { id: 7 }, list: [1, 'two', null, true], ünïcødé: '✓' },
          durationMs: 12.375,
        } satisfies Delivery);
        expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
      });

      it('keeps nulls as nulls', async () => {
        const { store } = await open();
        const input = makeDelivery({
          event: null,
          variant: null,
          status: 'rejected_signature',
          reason: 'signature_mismatch',
          dedupeKey: null,
          secretIndex: null,
          path: null,
          payload: null,
        });
        await store.record(input);
        expect(await store.get(input.id)).toMatchObject({ event: null, variant: null, dedupeKey: null, secretIndex: null, path: null, payload: null });
      });

      it("keeps the payload JSON a handler hands over (the body's own text) and reads it back as the payload", async () => {
        const { store } = await open();
        // Whitespace and an escape JSON.stringify would write differently: equal as a value all the same.
        const text = '{ "event_type": "issue_new",\n  "issue_title": "caf\\u00e9", "n": [1, 2.50] }';
        const payload = JSON.parse(text) as unknown;
        const recorded = makeDelivery({ rawBody: encoder.encode(text), payload, payloadJson: text });
        await store.record(recorded);
        const completed = makeDelivery({ rawBody: encoder.encode(text), payload, payloadJson: text, at: 1 });
        await store.claim({ provider: completed.provider, dedupeKey: completed.dedupeKey!, deliveryId: completed.id, now: T0, leaseMs: MINUTE });
        await store.complete({ delivery: completed, now: T0, windowMs: DAY });
        for (const id of [recorded.id, completed.id]) {
          const read = await store.get(id);
          expect(read?.payload).toStrictEqual({ event_type: 'issue_new', issue_title: 'café', n: [1, 2.5] });
          expect(read?.body).toBe(text);
        }
      });

      it('returns null for an unknown id', async () => {
        const { store } = await open();
        expect(await store.get(createDeliveryId())).toBeNull();
      });

      it('keeps text bodies as UTF-8 and binary or NUL-carrying bodies as base64', async () => {
        const { store } = await open();
        const binary = makeDelivery({ rawBody: new Uint8Array([0xff, 0xfe, 0x00, 0x41]) });
        const withNul = makeDelivery({ rawBody: encoder.encode('a\u0000b') });
        const empty = makeDelivery({ rawBody: new Uint8Array(0), payload: null });
        for (const input of [binary, withNul, empty]) await store.record(input);
        expect(await store.get(binary.id)).toMatchObject({ body: '//4AQQ==', bodyEncoding: 'base64', bodyTruncated: false });
        expect(await store.get(withNul.id)).toMatchObject({ body: Buffer.from('a\u0000b').toString('base64'), bodyEncoding: 'base64' });
        expect(await store.get(empty.id)).toMatchObject({ body: '', bodyEncoding: 'utf8', bodyTruncated: false });
      });

      it('keeps a leading UTF-8 byte-order mark: the stored body decodes to exactly the bytes received', async () => {
        const { store } = await open();
        const raw = Uint8Array.from([0xef, 0xbb, 0xbf, ...encoder.encode('{"a":1}')]);
        const withBom = makeDelivery({ rawBody: raw });
        await store.record(withBom);
        const stored = await store.get(withBom.id);
        expect(stored).toMatchObject({ body: '\ufeff{"a":1}', bodyEncoding: 'utf8' });
        expect(Buffer.from(stored!.body, 'utf8').equals(Buffer.from(raw))).toBe(true);
      });

      it('cuts bodies at maxBodyBytes and flags them, without splitting a character', async () => {
        const { store } = await open({ maxBodyBytes: 8 });
        const ascii = makeDelivery({ rawBody: encoder.encode('0123456789') });
        const split = makeDelivery({ rawBody: encoder.encode('abcdefg✓✓') }); // the cut falls inside the first ✓
        const exact = makeDelivery({ rawBody: encoder.encode('01234567') });
        for (const input of [ascii, split, exact]) await store.record(input);
        expect(await store.get(ascii.id)).toMatchObject({ body: '01234567', bodyEncoding: 'utf8', bodyTruncated: true });
        expect(await store.get(split.id)).toMatchObject({ body: 'abcdefg', bodyEncoding: 'utf8', bodyTruncated: true });
        expect(await store.get(exact.id)).toMatchObject({ body: '01234567', bodyTruncated: false });
      });

      it('is idempotent by id: recording an id again keeps the first row', async () => {
        const { store } = await open();
        const input = makeDelivery({ message: 'first' });
        await store.record(input);
        await store.record({ ...input, message: 'second' });
        expect((await store.get(input.id))?.message).toBe('first');
        expect((await store.list()).items).toHaveLength(1);
      });

      it('handles many concurrent records', async () => {
        const { store } = await open();
        const inputs = Array.from({ length: 60 }, (_, index) => makeDelivery({ at: index % 7 }));
        await Promise.all(inputs.map((input) => store.record(input)));
        const ids = (await listAll(store)).map((delivery) => delivery.id);
        expect(new Set(ids)).toEqual(new Set(inputs.map((input) => input.id)));
      });
    });

    describe('list', () => {
      it('orders newest first, ties by id descending, with default and clamped page sizes', async () => {
        const { store } = await open();
        const inputs = Array.from({ length: 520 }, (_, index) => makeDelivery({ at: Math.floor(index / 4) * 1000 }));
        expect(await bulkInsert(store, inputs)).toBe(520);
        const expected = [...inputs].sort((a, b) => compareDesc(a.receivedAt, b.receivedAt) || compareDesc(a.id, b.id)).map((input) => input.id);
        const first = await store.list();
        expect(first.items.map((item) => item.id)).toEqual(expected.slice(0, 50));
        const big = await store.list({ limit: 10_000 });
        expect(big.items).toHaveLength(500);
        expect(big.nextCursor).not.toBeNull();
        const rest = await store.list({ limit: 500, cursor: big.nextCursor });
        expect(rest.items.map((item) => item.id)).toEqual(expected.slice(500));
        expect(rest.nextCursor).toBeNull();
        expect((await store.list({ limit: 0 })).items).toHaveLength(1);
      });

      it('pages through every row exactly once; the last page has no cursor', async () => {
        const { store } = await open();
        const inputs = Array.from({ length: 30 }, (_, index) => makeDelivery({ at: (index % 3) * 10 }));
        await bulkInsert(store, inputs);
        const pages: number[] = [];
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await store.list({ limit: 10, cursor });
          pages.push(page.items.length);
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(pages).toEqual([10, 10, 10]);
        expect(new Set(seen).size).toBe(30);
        expect((await store.list({ cursor: 'not-a-cursor', limit: 5 })).items.map((item) => item.id)).toEqual(seen.slice(0, 5));
      });

      it('pages through rows whose ids are not UUIDs (imported with insertMany or record)', async () => {
        const { store } = await open();
        const inputs = Array.from({ length: 7 }, (_, index) => ({ ...makeDelivery({ at: index % 2 }), id: `import-${index}|x` }));
        await bulkInsert(store, inputs);
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < 10; page++) {
          const result = await store.list({ limit: 3, cursor });
          seen.push(...result.items.map((item) => item.id));
          cursor = result.nextCursor;
          if (cursor === null) break;
        }
        expect(cursor).toBeNull();
        expect(seen.slice().sort()).toEqual(inputs.map((input) => input.id).sort());
      });

      it('returns every row exactly once while deliveries keep arriving', async () => {
        const { store } = await open();
        const existing = Array.from({ length: 80 }, (_, index) => makeDelivery({ at: Math.floor(index / 5) * 100 }));
        await bulkInsert(store, existing);
        const seen: string[] = [];
        let cursor: string | null = null;
        let round = 0;
        do {
          round++;
          // New deliveries land while the page is read: newer ones (ahead of the cursor) and
          // ones that tie with existing timestamps, which keyset order must slot in stably.
          const arriving = [makeDelivery({ at: 10_000 + round }), makeDelivery({ at: (round % 16) * 100 }), makeDelivery({ at: 50_000 })];
          const [page]: [DeliveryPage, ...unknown[]] = await Promise.all([store.list({ limit: 7, cursor }), ...arriving.map((input) => store.record(input))]);
          seen.push(...page.items.map((item) => item.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(new Set(seen).size).toBe(seen.length); // no row twice
        for (const input of existing) expect(seen).toContain(input.id); // no existing row missed
        const positions = await Promise.all(seen.map((id) => store.get(id)));
        for (let index = 1; index < positions.length; index++) {
          const before = positions[index - 1]!;
          const after = positions[index]!;
          expect(compareDesc(before.receivedAt, after.receivedAt) || compareDesc(before.id, after.id)).toBeLessThan(0);
        }
      });

      it('filters by provider, status, event or variant, and time range', async () => {
        const { store } = await open();
        const rows = [
          makeDelivery({ provider: 'pylon', status: 'handled', event: 'IssueNewEvent', variant: 'IssueNewEvent', at: 0 }),
          makeDelivery({ provider: 'pylon', status: 'duplicate', event: 'IssueNewEvent', variant: 'IssueNewEvent', at: MINUTE }),
          makeDelivery({ provider: 'pylon', status: 'rejected_signature', event: null, variant: null, at: 2 * MINUTE }),
          makeDelivery({ provider: 'webhooks-b', status: 'handled', event: 'userNotificationEvent', variant: 'UserActionNotificationEvent', at: 3 * MINUTE }),
          makeDelivery({ provider: 'webhooks-b', status: 'invalid_payload', event: 'userNotificationEvent', variant: null, at: 4 * MINUTE }),
        ];
        for (const row of rows) await store.record(row);
        const ids = async (query: ListQuery): Promise<string[]> => (await store.list(query)).items.map((item) => item.id).sort();
        const of = (...indexes: number[]): string[] => indexes.map((index) => rows[index]!.id).sort();
        expect(await ids({ provider: 'pylon' })).toEqual(of(0, 1, 2));
        expect(await ids({ status: 'handled' })).toEqual(of(0, 3));
        expect(await ids({ status: ['duplicate', 'invalid_payload'] })).toEqual(of(1, 4));
        expect(await ids({ status: [] })).toEqual(of(0, 1, 2, 3, 4));
        expect(await ids({ event: 'userNotificationEvent' })).toEqual(of(3, 4));
        expect(await ids({ event: 'UserActionNotificationEvent' })).toEqual(of(3));
        expect(await ids({ event: 'IssueNewEvent', status: 'handled' })).toEqual(of(0));
        expect(await ids({ from: new Date(T0 + MINUTE), to: new Date(T0 + 3 * MINUTE) })).toEqual(of(1, 2));
        expect(await ids({ from: new Date(T0 + MINUTE).toISOString() })).toEqual(of(1, 2, 3, 4));
        expect(await ids({ provider: 'webhooks-b', from: new Date(T0 + 4 * MINUTE) })).toEqual(of(4));
        expect(await ids({ provider: 'nobody' })).toEqual([]);
        expect(await ids({ provider: '', event: '', q: '   ' })).toEqual(of(0, 1, 2, 3, 4));
        expect(await ids({ from: 'not a date' })).toEqual(of(0, 1, 2, 3, 4));
      });

      it('listSummaries gives the same pages as list, without headers, body and payload', async () => {
        const { store } = await open({ maxBodyBytes: 64 });
        expect(typeof store.listSummaries).toBe('function'); // read without the bodies, not the fallback
        const rows = Array.from({ length: 23 }, (_, index) =>
          makeDelivery({
            at: Math.floor(index / 2) * MINUTE,
            provider: index % 3 === 0 ? 'webhooks-b' : 'pylon',
            status: index % 4 === 0 ? 'rejected_signature' : 'handled',
            event: index % 5 === 0 ? null : 'IssueNewEvent',
            variant: index % 5 === 0 ? null : index % 2 === 0 ? 'IssueNewEvent' : 'IssueNewVariant',
            rawBody: index % 6 === 0 ? new Uint8Array([0xff, index]) : encoder.encode(`{"n":${index},"text":"${'x'.repeat(index * 5)}"}`),
            payload: index % 6 === 0 ? null : { n: index },
          }),
        );
        for (const row of rows) await store.record(row);
        const queries: ListQuery[] = [
          { limit: 5 },
          { provider: 'pylon', limit: 4 },
          { status: ['rejected_signature'], limit: 3 },
          { event: 'IssueNewVariant', limit: 2 },
          { q: 'n', limit: 3, searchWindow: 4 },
          { from: new Date(T0 + 3 * MINUTE), to: new Date(T0 + 9 * MINUTE), limit: 4 },
        ];
        for (const query of queries) {
          let cursor: string | null = null;
          let pages = 0;
          do {
            const [full, summaries]: [DeliveryPage, DeliveryPage<DeliverySummary>] = await Promise.all([
              store.list({ ...query, cursor }),
              listSummaries(store, { ...query, cursor }),
            ]);
            const stripped = full.items.map(({ headers: _headers, body: _body, payload: _payload, ...rest }) => rest);
            // Same items, same fields in the same order (every store serialises alike), same cursor.
            expect(JSON.stringify(summaries.items)).toBe(JSON.stringify(stripped));
            expect(summaries.nextCursor).toBe(full.nextCursor);
            for (const item of summaries.items) expect(Object.keys(item)).not.toEqual(expect.arrayContaining(['headers']));
            cursor = full.nextCursor;
            pages++;
          } while (cursor !== null && pages < 20);
          expect(cursor).toBeNull();
        }
      });

      it('keeps filters and the cursor together across pages', async () => {
        const { store } = await open();
        const inputs = Array.from({ length: 40 }, (_, index) =>
          makeDelivery({ provider: index % 2 === 0 ? 'pylon' : 'webhooks-b', status: index % 4 < 2 ? 'handled' : 'duplicate', at: index * 10 }),
        );
        await bulkInsert(store, inputs);
        const all = await listAll(store, { provider: 'pylon', status: 'handled', limit: 3 });
        const expected = inputs.filter((input) => input.provider === 'pylon' && input.status === 'handled');
        expect(all.map((item) => item.id)).toEqual(expected.reverse().map((input) => input.id));
      });

      it('a search reads at most searchWindow rows per page (those the other filters select) and goes on below them on the next page', async () => {
        const { store } = await open();
        // 60 rows, newest first: every 7th body holds the needle; ties on received_at included.
        const inputs = Array.from({ length: 60 }, (_, index) =>
          makeDelivery({
            provider: index % 3 === 0 ? 'webhooks-b' : 'pylon',
            event: index % 2 === 0 ? 'IssueNewEvent' : 'IssueChangedEvent',
            variant: index % 2 === 0 ? 'IssueNewEvent' : 'IssueChangedEvent',
            rawBody: encoder.encode(index % 7 === 0 ? `{"note":"needle ${index}"}` : `{"note":"hay ${index}"}`),
            at: Math.floor(index / 2) * 10,
          }),
        );
        await bulkInsert(store, inputs);
        const byId = new Map(inputs.map((input) => [input.id, input]));
        for (const query of [{}, { provider: 'pylon' }, { event: 'IssueNewEvent' }, { provider: 'pylon', event: 'IssueChangedEvent' }] as ListQuery[]) {
          const selected = (await listAll(store, { ...query, limit: 500 })).map((item) => item.id);
          const expected = selected.filter((id) => new TextDecoder().decode(byId.get(id)!.rawBody).includes('needle'));
          for (const [window, limit] of [
            [5, 2],
            [7, 50],
            [1, 1],
            [13, 3],
          ] as const) {
            const pages: DeliveryPage[] = [];
            let cursor: string | null = null;
            do {
              const page: DeliveryPage = await store.list({ ...query, q: 'NEEDLE', searchWindow: window, limit, cursor });
              pages.push(page);
              cursor = page.nextCursor;
            } while (cursor !== null && pages.length < 200);
            // Every match exactly once, in order, however the windows fell.
            expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(expected);
            // No page read past its window: its matches lie within `window` selected rows of where
            // it started, and a short page continues exactly where its window ended.
            let start = 0;
            for (const page of pages) {
              for (const item of page.items) expect(selected.indexOf(item.id) - start).toBeLessThan(window);
              if (page.nextCursor === null) break;
              const continueAfter = selected.indexOf(decodeCursor(page.nextCursor)!.id);
              if (page.items.length < limit) expect(continueAfter).toBe(start + window - 1);
              else expect(continueAfter).toBe(selected.indexOf(page.items.at(-1)!.id));
              start = continueAfter + 1;
            }
            // The last page says so: no cursor once the selected rows are all read.
            expect(pages.at(-1)!.nextCursor).toBeNull();
          }
          // searchWindow: Infinity reads every selected row in one pass: full pages only.
          const unbounded = await store.list({ ...query, q: 'needle', searchWindow: Number.POSITIVE_INFINITY, limit: 500 });
          expect(unbounded.items.map((item) => item.id)).toEqual(expected);
          expect(unbounded.nextCursor).toBeNull();
        }
      });

      it('searches case-insensitively over event, variant, ids, dedupe key, reason and body', async () => {
        const { store } = await open();
        const first = makeDelivery({ at: 0 });
        const rows = [
          first,
          makeDelivery({ event: 'AccountMergedEvent', variant: 'AccountMergedEvent', dedupeKey: 'k1', at: 1 }),
          makeDelivery({ provider: 'webhooks-b', event: 'userNotificationEvent', variant: 'UserActionNotificationEvent', dedupeKey: 'k2', at: 2 }),
          makeDelivery({ dedupeKey: 'EVT_Needle_42', at: 3 }),
          makeDelivery({ status: 'rejected_signature', reason: 'timestamp_too_old', dedupeKey: 'k4', at: 4 }),
          makeDelivery({ rawBody: encoder.encode('{"title":"Printer ON FIRE"}'), dedupeKey: 'k5', at: 5 }),
          makeDelivery({ status: 'duplicate', duplicateOf: first.id, dedupeKey: 'k6', at: 6 }),
        ];
        for (const row of rows) await store.record(row);
        const ids = async (q: string): Promise<string[]> => (await store.list({ q })).items.map((item) => item.id).sort();
        const of = (...indexes: number[]): string[] => indexes.map((index) => rows[index]!.id).sort();
        expect(await ids('accountmerged')).toEqual(of(1));
        expect(await ids('useraction')).toEqual(of(2));
        expect(await ids('needle_42')).toEqual(of(3));
        expect(await ids('TIMESTAMP_TOO')).toEqual(of(4));
        expect(await ids('printer on fire')).toEqual(of(5));
        expect(await ids(rows[2]!.id.toUpperCase())).toEqual(of(2));
        expect(await ids(first.id)).toEqual(of(0, 6)); // its own id, and the duplicate pointing at it
        expect(await ids('no such text')).toEqual([]);
      });

      it('a NUL in the search text or a filter is ignored, the same in every store (PostgreSQL refused the query)', async () => {
        const { store } = await open();
        // A fixed dedupe key: a random one holds "zz" about once in 130 runs, and the search would match it.
        const row = makeDelivery({ rawBody: encoder.encode('{"note":"abc"}'), dedupeKey: 'evt_nul_filters' });
        await store.record(row);
        const ids = async (query: ListQuery): Promise<string[]> => (await store.list(query)).items.map((item) => item.id);
        expect(await ids({ q: 'a\u0000bc' })).toEqual([row.id]);
        expect(await ids({ q: 'zz\u0000' })).toEqual([]);
        expect(await ids({ provider: `${row.provider}\u0000` })).toEqual([row.id]);
        expect(await ids({ event: '\u0000' })).toEqual([row.id]); // nothing left: no filter
      });

      it('folds ASCII letters only, the same in every store', async () => {
        const { store } = await open();
        const accented = makeDelivery({ rawBody: encoder.encode('{"city":"Évry","note":"École"}') });
        await store.record(accented);
        const ids = async (q: string): Promise<string[]> => (await store.list({ q })).items.map((item) => item.id);
        expect(await ids('ÉVRY')).toEqual([accented.id]); // A–Z fold, É matches itself
        expect(await ids('évry')).toEqual([]); // é is not folded to É
        expect(await ids('école')).toEqual([]);
      });

      it('treats %, _ and \\ in the search text literally', async () => {
        const { store } = await open();
        const percent = makeDelivery({ rawBody: encoder.encode('{"discount":"50%off"}') });
        const underscore = makeDelivery({ rawBody: encoder.encode('{"a":"x_y"}') });
        const backslash = makeDelivery({ rawBody: encoder.encode('{"path":"C:\\\\temp"}') });
        const plain = makeDelivery({ rawBody: encoder.encode('{"a":"50 off xy C:temp"}') });
        for (const row of [percent, underscore, backslash, plain]) await store.record(row);
        expect((await store.list({ q: '50%off' })).items.map((item) => item.id)).toEqual([percent.id]);
        expect((await store.list({ q: 'x_y' })).items.map((item) => item.id)).toEqual([underscore.id]);
        expect((await store.list({ q: 'C:\\\\temp' })).items.map((item) => item.id)).toEqual([backslash.id]);
      });
    });

    describe('stats', () => {
      it('counts per bucket, provider and status, with totals and top reasons', async () => {
        const { store } = await open();
        const rows = [
          makeDelivery({ provider: 'pylon', status: 'handled', at: 0 }),
          makeDelivery({ provider: 'pylon', status: 'handled', at: 30_000 }),
          makeDelivery({ provider: 'pylon', status: 'rejected_signature', reason: 'signature_mismatch', at: 59_999 }),
          makeDelivery({ provider: 'webhooks-b', status: 'handled', at: MINUTE }),
          makeDelivery({ provider: 'pylon', status: 'rejected_signature', reason: 'signature_mismatch', at: HOUR + 5 }),
          makeDelivery({ provider: 'pylon', status: 'invalid_payload', reason: 'schema_mismatch', at: HOUR + 6 }),
          makeDelivery({ provider: 'pylon', status: 'handled', at: DAY }), // outside [from, to)
          makeDelivery({ provider: 'pylon', status: 'handled', at: -1 }), // before from
        ];
        await bulkInsert(store, rows);
        const from = new Date(T0);
        const to = new Date(T0 + DAY);
        const byMinute = await store.stats({ from, to, bucket: 'minute' });
        const iso = (offset: number): string => new Date(T0 + offset).toISOString();
        expect(byMinute).toEqual({
          bucket: 'minute',
          from: from.toISOString(),
          to: to.toISOString(),
          series: [
            { bucketStart: iso(0), provider: 'pylon', status: 'handled', count: 2 },
            { bucketStart: iso(0), provider: 'pylon', status: 'rejected_signature', count: 1 },
            { bucketStart: iso(MINUTE), provider: 'webhooks-b', status: 'handled', count: 1 },
            { bucketStart: iso(HOUR), provider: 'pylon', status: 'rejected_signature', count: 1 },
            { bucketStart: iso(HOUR), provider: 'pylon', status: 'invalid_payload', count: 1 },
          ],
          reasons: [
            { reason: 'signature_mismatch', count: 2 },
            { reason: 'schema_mismatch', count: 1 },
          ],
          totals: {
            all: 6,
            handled: 3,
            queued: 0,
            retrying: 0,
            duplicate: 0,
            in_progress: 0,
            rejected_signature: 2,
            invalid_payload: 1,
            unknown_event: 0,
            handler_error: 0,
            dead: 0,
          },
        });
        const byHour = await store.stats({ from, to, bucket: 'hour', provider: 'pylon' });
        expect(byHour.series).toEqual([
          { bucketStart: iso(0), provider: 'pylon', status: 'handled', count: 2 },
          { bucketStart: iso(0), provider: 'pylon', status: 'rejected_signature', count: 1 },
          { bucketStart: iso(HOUR), provider: 'pylon', status: 'rejected_signature', count: 1 },
          { bucketStart: iso(HOUR), provider: 'pylon', status: 'invalid_payload', count: 1 },
        ]);
        expect(byHour.totals.all).toBe(5);
        const byDay = await store.stats({ from: new Date(T0 - DAY), to: new Date(T0 + 2 * DAY), bucket: 'day' });
        expect(byDay.series).toEqual([
          { bucketStart: '2026-03-01T00:00:00.000Z', provider: 'pylon', status: 'handled', count: 3 },
          { bucketStart: '2026-03-01T00:00:00.000Z', provider: 'pylon', status: 'rejected_signature', count: 2 },
          { bucketStart: '2026-03-01T00:00:00.000Z', provider: 'pylon', status: 'invalid_payload', count: 1 },
          { bucketStart: '2026-03-01T00:00:00.000Z', provider: 'webhooks-b', status: 'handled', count: 1 },
          { bucketStart: '2026-03-02T00:00:00.000Z', provider: 'pylon', status: 'handled', count: 1 },
        ]);
        expect(byDay.totals.all).toBe(8);
      });

      it('keeps at most 10 reasons, most frequent first', async () => {
        const { store } = await open();
        const rows = Array.from({ length: 12 }, (_, reason) =>
          Array.from({ length: reason + 1 }, () => makeDelivery({ status: 'rejected_signature', reason: `reason_${String(reason).padStart(2, '0')}` })),
        ).flat();
        await bulkInsert(store, rows);
        const { reasons } = await store.stats({ from: new Date(T0), to: new Date(T0 + 1), bucket: 'hour' });
        expect(reasons).toHaveLength(10);
        expect(reasons[0]).toEqual({ reason: 'reason_11', count: 12 });
        expect(reasons.at(-1)).toEqual({ reason: 'reason_02', count: 3 });
      });

      it('answers an empty range with zeros and rejects unparseable bounds', async () => {
        const { store } = await open();
        const empty = await store.stats({ from: new Date(T0), to: new Date(T0 + HOUR), bucket: 'minute' });
        expect(empty.series).toEqual([]);
        expect(empty.reasons).toEqual([]);
        expect(empty.totals).toEqual({
          all: 0,
          handled: 0,
          queued: 0,
          retrying: 0,
          dead: 0,
          duplicate: 0,
          in_progress: 0,
          rejected_signature: 0,
          invalid_payload: 0,
          unknown_event: 0,
          handler_error: 0,
        });
        await expect(store.stats({ from: 'yesterday-ish', to: new Date(), bucket: 'hour' })).rejects.toMatchObject({ code: 'invalid_config' });
      });
    });

    describe('claim lifecycle: claim (processing under a lease), complete (done), release', () => {
      const lease = 5_000;
      const window = 60_000;
      const claimInput = (deliveryId: string, now: number, dedupeKey = 'evt_1', provider = 'pylon') => ({
        provider,
        dedupeKey,
        deliveryId,
        now,
        leaseMs: lease,
      });
      const handled = (id: string, dedupeKey = 'evt_1') => ({ ...makeDelivery({ dedupeKey }), id });

      it('gives a new key to the first delivery; a copy during its lease is in_progress with the holder and the lease end', async () => {
        const { store } = await open();
        const first = createDeliveryId();
        const second = createDeliveryId();
        expect(await store.claim(claimInput(first, T0))).toEqual({ kind: 'claimed' });
        expect(await store.claim(claimInput(second, T0 + lease - 1))).toEqual({ kind: 'in_progress', holderDeliveryId: first, leaseExpiresAt: T0 + lease });
        expect(await store.claim(claimInput(second, T0, 'evt_2'))).toEqual({ kind: 'claimed' });
      });

      it('lets the next claim take over a processing claim whose lease has passed (a crashed or hung attempt)', async () => {
        const { store } = await open();
        const hung = createDeliveryId();
        const next = createDeliveryId();
        await store.claim(claimInput(hung, T0));
        expect(await store.claim(claimInput(next, T0 + lease))).toEqual({ kind: 'claimed' });
        expect(await store.claim(claimInput(hung, T0 + lease + 1))).toEqual({ kind: 'in_progress', holderDeliveryId: next, leaseExpiresAt: T0 + 2 * lease });
      });

      it('lets the holder claim again (a retried claim succeeds) and renews its lease', async () => {
        const { store } = await open();
        const first = createDeliveryId();
        await store.claim(claimInput(first, T0));
        expect(await store.claim(claimInput(first, T0 + 4000))).toEqual({ kind: 'claimed' });
        expect(await store.claim(claimInput(createDeliveryId(), T0 + lease + 1000))).toEqual({
          kind: 'in_progress',
          holderDeliveryId: first,
          leaseExpiresAt: T0 + 4000 + lease,
        });
      });

      it('complete records the handled delivery and marks the key done for the window from completion', async () => {
        const { store } = await open();
        const first = handled(createDeliveryId());
        await store.claim(claimInput(first.id, T0));
        const completedAt = T0 + 3000;
        await store.complete({ delivery: first, now: completedAt, windowMs: window });
        expect(await store.get(first.id)).toMatchObject({ id: first.id, status: 'handled', dedupeKey: 'evt_1' });
        // Done outlives the lease: copies are duplicates for the whole window after completion.
        expect(await store.claim(claimInput(createDeliveryId(), completedAt + window - 1))).toEqual({ kind: 'done', firstDeliveryId: first.id });
        const later = createDeliveryId();
        expect(await store.claim(claimInput(later, completedAt + window))).toEqual({ kind: 'claimed' });
      });

      it('complete is idempotent: completing again (a retry after a lost answer) keeps one row and the key done', async () => {
        const { store } = await open();
        const first = handled(createDeliveryId());
        await store.claim(claimInput(first.id, T0));
        await store.complete({ delivery: first, now: T0, windowMs: window });
        await store.complete({ delivery: { ...first, message: 'again' }, now: T0 + 1, windowMs: window });
        expect((await store.list()).items.map((item) => [item.id, item.message])).toEqual([[first.id, null]]);
        expect(await store.claim(claimInput(createDeliveryId(), T0 + 2))).toEqual({ kind: 'done', firstDeliveryId: first.id });
      });

      it('an attempt whose lease was taken over still completes: both are recorded, the first completion stays', async () => {
        const { store } = await open();
        const slow = handled(createDeliveryId());
        const takeover = handled(createDeliveryId());
        await store.claim(claimInput(slow.id, T0));
        expect(await store.claim(claimInput(takeover.id, T0 + lease))).toEqual({ kind: 'claimed' });
        await store.complete({ delivery: slow, now: T0 + lease + 10, windowMs: window }); // the hung attempt returns first
        await store.complete({ delivery: takeover, now: T0 + lease + 20, windowMs: window });
        expect((await store.get(slow.id))?.status).toBe('handled');
        expect((await store.get(takeover.id))?.status).toBe('handled');
        expect(await store.claim(claimInput(createDeliveryId(), T0 + lease + 30))).toEqual({ kind: 'done', firstDeliveryId: slow.id });
      });

      it('complete after the claim was lost entirely (released, expired and pruned) still records and marks done', async () => {
        const { store } = await open();
        const lone = handled(createDeliveryId(), 'orphan');
        await store.complete({ delivery: lone, now: T0, windowMs: window });
        expect(await store.claim(claimInput(createDeliveryId(), T0 + 1, 'orphan'))).toEqual({ kind: 'done', firstDeliveryId: lone.id });
      });

      it('keeps keys apart per provider', async () => {
        const { store } = await open();
        const a = createDeliveryId();
        const b = createDeliveryId();
        expect(await store.claim(claimInput(a, T0, 'same', 'pylon'))).toEqual({ kind: 'claimed' });
        expect(await store.claim(claimInput(b, T0, 'same', 'webhooks-b'))).toEqual({ kind: 'claimed' });
      });

      it('release gives up only the owner’s processing claim; a done key is kept', async () => {
        const { store } = await open();
        const owner = createDeliveryId();
        const other = createDeliveryId();
        await store.claim(claimInput(owner, T0));
        await store.release('pylon', 'evt_1', other);
        expect(await store.claim(claimInput(other, T0 + 1))).toMatchObject({ kind: 'in_progress', holderDeliveryId: owner });
        await store.release('pylon', 'evt_1', owner);
        expect(await store.claim(claimInput(other, T0 + 2))).toEqual({ kind: 'claimed' });
        await store.release('pylon', 'never-claimed', owner); // no-op, no error

        const done = handled(createDeliveryId(), 'kept');
        await store.claim(claimInput(done.id, T0, 'kept'));
        await store.complete({ delivery: done, now: T0, windowMs: window });
        await store.release('pylon', 'kept', done.id); // a late release (lost answer) must not undo the completion
        expect(await store.claim(claimInput(createDeliveryId(), T0 + 1, 'kept'))).toEqual({ kind: 'done', firstDeliveryId: done.id });
      });

      it('has exactly one winner among concurrent claims; the others see it processing', async () => {
        const { store } = await open();
        const ids = Array.from({ length: 25 }, () => createDeliveryId());
        const results = await Promise.all(ids.map((id) => store.claim(claimInput(id, T0))));
        const winners = ids.filter((_, index) => results[index]!.kind === 'claimed');
        expect(winners).toHaveLength(1);
        for (const result of results) {
          if (result.kind !== 'claimed') expect(result).toEqual({ kind: 'in_progress', holderDeliveryId: winners[0], leaseExpiresAt: T0 + lease });
        }
      });

      it('has exactly one winner among concurrent claims taking over an expired lease', async () => {
        const { store } = await open();
        await store.claim(claimInput(createDeliveryId(), T0));
        const ids = Array.from({ length: 25 }, () => createDeliveryId());
        const results = await Promise.all(ids.map((id) => store.claim(claimInput(id, T0 + lease + 1))));
        const winners = ids.filter((_, index) => results[index]!.kind === 'claimed');
        expect(winners).toHaveLength(1);
        for (const result of results) if (result.kind !== 'claimed') expect(result).toMatchObject({ kind: 'in_progress', holderDeliveryId: winners[0] });
      });

      it('claims racing a completion never win the key: each sees it processing or done', async () => {
        const { store } = await open();
        const first = handled(createDeliveryId());
        await store.claim(claimInput(first.id, T0));
        const ids = Array.from({ length: 20 }, () => createDeliveryId());
        const [, ...results] = await Promise.all([
          store.complete({ delivery: first, now: T0 + 1, windowMs: window }),
          ...ids.map((id) => store.claim(claimInput(id, T0 + 1))),
        ]);
        for (const result of results) {
          expect(result).toSatisfy(
            (value: ClaimResult) =>
              (value.kind === 'in_progress' && value.holderDeliveryId === first.id) || (value.kind === 'done' && value.firstDeliveryId === first.id),
          );
        }
        expect(await store.claim(claimInput(createDeliveryId(), T0 + 2))).toEqual({ kind: 'done', firstDeliveryId: first.id });
      });
    });

    describe('prune', () => {
      it('deletes deliveries received before the cutoff and counts them', async () => {
        const { store } = await open();
        const old = Array.from({ length: 12 }, (_, index) => makeDelivery({ at: -DAY - index }));
        const boundary = makeDelivery({ at: 0 });
        const fresh = makeDelivery({ at: HOUR });
        await bulkInsert(store, [...old, boundary, fresh]);
        expect(await store.prune({ olderThan: new Date(T0) })).toBe(12);
        expect((await listAll(store)).map((item) => item.id).sort()).toEqual([boundary.id, fresh.id].sort());
        expect(await store.get(old[0]!.id)).toBeNull();
        expect(await store.prune({ olderThan: new Date(T0).toISOString() })).toBe(0);
        await expect(store.prune({ olderThan: 'soon' })).rejects.toMatchObject({ code: 'invalid_config' });
      });

      it('keeps claims that have not expired', async () => {
        const { store } = await open();
        const holder = createDeliveryId();
        const now = Date.now();
        await store.claim({ provider: 'pylon', dedupeKey: 'live', deliveryId: holder, now, leaseMs: DAY });
        await store.claim({ provider: 'pylon', dedupeKey: 'gone', deliveryId: createDeliveryId(), now: now - DAY, leaseMs: 1000 });
        await store.prune({ olderThan: new Date(now + DAY) });
        expect(await store.claim({ provider: 'pylon', dedupeKey: 'live', deliveryId: createDeliveryId(), now, leaseMs: DAY })).toMatchObject({
          kind: 'in_progress',
          holderDeliveryId: holder,
        });
      });
    });

    describe('close', () => {
      it('rejects every call with store_closed afterwards, and closing twice is fine', async () => {
        const { store } = await open();
        await store.record(makeDelivery());
        await store.close();
        const calls = everyStoreCall(store);
        for (const [name, call] of Object.entries(calls)) {
          const error = await call().then(
            () => undefined,
            (reason: unknown) => reason,
          );
          expect(error, name).toBeInstanceOf(HookgateError);
          expect((error as HookgateError).code, name).toBe('store_closed');
        }
        await expect(store.close()).resolves.toBeUndefined();
      });

      it('finishes writes already under way before closing', async () => {
        const { store, reopen } = await open();
        const inputs = Array.from({ length: 20 }, (_, index) => makeDelivery({ at: index }));
        const writes = inputs.map((input) => store.record(input));
        await store.close();
        await Promise.all(writes);
        if (!traits.persistent) return; // MemoryStore keeps nothing after close
        if (reopen === undefined) throw new Error('a persistent store under test must provide reopen()');
        const again = await reopen();
        expect((await listAll(again)).map((item) => item.id).sort()).toEqual(inputs.map((input) => input.id).sort());
      });

      // Registered only where it applies, rather than reported as skipped elsewhere.
      if (traits.persistent)
        it('keeps every delivery and claim across close and reopen', async () => {
          const { store, reopen } = await open();
          if (reopen === undefined) throw new Error('a persistent store under test must provide reopen()');
          const inputs = Array.from({ length: 15 }, (_, index) => makeDelivery({ at: index * 1000, status: statusAt(index) }));
          await bulkInsert(store, inputs.slice(0, 10));
          for (const input of inputs.slice(10)) await store.record(input);
          const holder = createDeliveryId();
          const now = Date.now();
          await store.claim({ provider: 'pylon', dedupeKey: 'kept', deliveryId: holder, now, leaseMs: DAY });
          const done = { ...makeDelivery({ dedupeKey: 'finished' }), id: createDeliveryId() };
          await store.claim({ provider: 'pylon', dedupeKey: 'finished', deliveryId: done.id, now, leaseMs: DAY });
          await store.complete({ delivery: done, now, windowMs: DAY });
          const before = await listAll(store);
          const again = await reopen();
          expect(await listAll(again)).toEqual(before);
          for (const input of inputs) expect((await again.get(input.id))?.status).toBe(input.status);
          expect(await again.claim({ provider: 'pylon', dedupeKey: 'kept', deliveryId: createDeliveryId(), now, leaseMs: DAY })).toEqual({
            kind: 'in_progress',
            holderDeliveryId: holder,
            leaseExpiresAt: now + DAY,
          });
          expect(await again.claim({ provider: 'pylon', dedupeKey: 'finished', deliveryId: createDeliveryId(), now, leaseMs: DAY })).toEqual({
            kind: 'done',
            firstDeliveryId: done.id,
          });
        });
    });
  });
}

function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

function statusAt(index: number): DeliveryStatus {
  const statuses: DeliveryStatus[] = ['handled', 'duplicate', 'in_progress', 'rejected_signature', 'invalid_payload', 'unknown_event', 'handler_error'];
  return statuses[index % statuses.length]!;
}
