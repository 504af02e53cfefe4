import { join } from 'node:path';
import { MemoryStore, type DeliveryStore } from '@hookgate/core';
import { openStore } from '../src/index.js';
import { describeDeliveryStoreContract } from './contract.js';
import { createPgSchema, tempDir } from './helpers.js';

describeDeliveryStoreContract(
  'MemoryStore',
  async (options) => {
    const store = new MemoryStore(options);
    return { store, dispose: () => store.close() };
  },
  { persistent: false },
);

describeDeliveryStoreContract(
  'SQLite',
  async (options) => {
    const temp = tempDir();
    const url = `sqlite:${join(temp.dir, 'nested', 'hookgate.db')}`;
    let current: DeliveryStore = await openStore(url, options);
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = await openStore(url, options);
        return current;
      },
      dispose: async () => {
        await current.close();
        temp.remove();
      },
    };
  },
  { persistent: true },
);

describeDeliveryStoreContract(
  'PostgreSQL',
  async (options) => {
    const schema = await createPgSchema();
    let current: DeliveryStore = await openStore(schema.url, options);
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = await openStore(schema.url, options);
        return current;
      },
      dispose: async () => {
        await current.close();
        await schema.drop();
      },
    };
  },
  { persistent: true },
);
