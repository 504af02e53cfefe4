/**
 * One HTTP server in its own process, so the load generator does not share its event loop:
 * `http-target <express|fastify> <floor|hookgate|hookgate-null>`. Prints `READY <url>`.
 *
 * - floor: a hand-written route (raw body, node:crypto verify, JSON.parse, 200) — the limit;
 * - floor-memory: the same route keeping a delivery log in memory as a careful engineer would
 *   (dedupe map on a SHA-256 of the signed message, a record per delivery with id, time, redacted
 *   headers and the body text) — what keeping history costs by itself, without Hookgate;
 * - floor-busy: the floor route plus a fixed busy-wait (`BUSY_WAIT_MICROS`) — what a few
 *   microseconds of extra work per request cost in requests/s;
 * - hookgate: the Hookgate adapter with a gateway and a MemoryStore;
 * - hookgate-null: the same with a store that keeps nothing (memory bench).
 *
 * On SIGUSR2 it prints `CPU <microseconds> SYSTEM <microseconds> FAULTS <n>`: its CPU time so far
 * (user + system, all threads), the system (kernel) part of it, and its minor page faults so far (first touches of fresh memory; each costs ~15 µs on
 * the bench's VM, see bench/README item 4).
 */
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '@hookgate/core';
import express from 'express';
import Fastify from 'fastify';
import { BUSY_WAIT_MICROS, busyWait, FloorDeliveryLog, floorParse, floorVerifyPylon } from '../floors.js';
import { SECRET } from '../samples.js';
import { NullStore } from './null-store.js';
import { buildGateway, startExpress, startFastify } from './servers.js';

const [framework, mode] = process.argv.slice(2);

function floorCheck(headers: Record<string, string | string[] | undefined>, body: Uint8Array): boolean {
  if (!floorVerifyPylon(headers, body, SECRET, Date.now())) return false;
  floorParse(body);
  return true;
}

const deliveryLog = new FloorDeliveryLog();

/** The floor route's work plus keeping the delivery (false: not verified; a duplicate is answered 200). */
function floorKeep(headers: Record<string, string | string[] | undefined>, body: Uint8Array): boolean {
  if (!floorCheck(headers, body)) return false;
  deliveryLog.keep(headers, body);
  return true;
}

/** The floor route's work plus a fixed busy-wait (floor-busy). */
function floorBusy(headers: Record<string, string | string[] | undefined>, body: Uint8Array): boolean {
  if (!floorCheck(headers, body)) return false;
  busyWait(BUSY_WAIT_MICROS);
  return true;
}

let url: string;
if (mode === 'floor' && framework === 'express') {
  const app = express();
  app.post('/webhooks/pylon', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    try {
      if (!floorCheck(req.headers, req.body as Buffer)) return void res.status(401).json({ ok: false });
      res.status(200).json({ ok: true });
    } catch {
      res.status(400).json({ ok: false });
    }
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
} else if ((mode === 'floor' || mode === 'floor-memory' || mode === 'floor-busy') && framework === 'fastify') {
  const check = mode === 'floor' ? floorCheck : mode === 'floor-busy' ? floorBusy : floorKeep;
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/webhooks/pylon', async (request, reply) => {
    try {
      if (!check(request.headers, request.body as Buffer)) return reply.code(401).send({ ok: false });
      return reply.code(200).send({ ok: true });
    } catch {
      return reply.code(400).send({ ok: false });
    }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
} else if (mode === 'hookgate' || mode === 'hookgate-null') {
  const gateway = buildGateway({ store: mode === 'hookgate' ? new MemoryStore() : new NullStore() });
  url = (framework === 'express' ? await startExpress(gateway) : await startFastify(gateway)).url;
} else {
  throw new Error('usage: http-target <express|fastify> <floor|hookgate|hookgate-null> (fastify also floor-memory, floor-busy)');
}
process.stdout.write(`READY ${url}\n`);
process.on('SIGTERM', () => process.exit(0));
// The bench asks for this process's CPU time (all threads, GC included) around a measured run:
// CPU per request barely moves with the load other processes put on a shared machine.
process.on('SIGUSR2', () => {
  const { userCPUTime, systemCPUTime, minorPageFault } = process.resourceUsage();
  process.stdout.write(`CPU ${userCPUTime + systemCPUTime} SYSTEM ${systemCPUTime} FAULTS ${minorPageFault}\n`);
});
