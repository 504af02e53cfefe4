import { describe, expect, it } from 'vitest';
import { HookgateError } from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';
import { defineConfig, eventNames, eventOfVariant, findProvider, providerIds, selectVariants } from '../src/index.js';

const config = defineConfig({ providers: [pylon(), webhooksB()] });
const discriminated = findProvider(config, 'pylon')!;
const oneOf = findProvider(config, 'webhooks-b')!;

describe('registry queries', () => {
  it('finds providers by route id', () => {
    expect(providerIds(config)).toEqual(['pylon', 'webhooks-b']);
    expect(findProvider(config, 'nope')).toBeUndefined();
  });

  it('lists event names, then variant names that differ', () => {
    expect(eventNames(discriminated)).toEqual(Object.keys(pylon().events));
    const names = eventNames(oneOf);
    expect(names.slice(0, 3)).toEqual(Object.keys(webhooksB().events));
    expect(names).toContain('InventoryStockDepletedEvent');
    expect(new Set(names).size).toBe(names.length);
  });

  it('selects a variant, every variant of an event, or all', () => {
    expect(selectVariants(oneOf, 'inventoryChangeEvent')).toEqual([...webhooksB().events.inventoryChangeEvent]);
    expect(selectVariants(oneOf, 'InventoryStockDepletedEvent')).toEqual(['InventoryStockDepletedEvent']);
    expect(selectVariants(oneOf, undefined)).toHaveLength(Object.values(webhooksB().events).flat().length);
    expect(eventOfVariant(oneOf, 'InventoryStockDepletedEvent')).toBe('inventoryChangeEvent');
    expect(eventOfVariant(discriminated, 'IssueNewEvent')).toBe('IssueNewEvent');
  });

  it('an unknown event name is an error listing the choices', () => {
    let error: unknown;
    try {
      selectVariants(discriminated, 'Nope');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HookgateError);
    expect((error as HookgateError).code).toBe('unknown_event_name');
    expect((error as Error).message).toBe(`Unknown event "Nope" for pylon. Known: ${Object.keys(pylon().events).join(', ')}.`);
  });
});
