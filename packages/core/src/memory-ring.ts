// MemoryStore's history bytes: one buffer, grown by doubling up to its capacity and then reused,
// so keeping a delivery neither grows the JavaScript heap nor touches fresh memory once the buffer
// has wrapped, and a store that keeps a few deliveries (a test's) never holds the whole capacity.
import { textBuffer, type TextBuffer } from './bytes.js';

/** Told when a record is dropped to make room; `placement` tells a current record from a stale one. */
export type RingDrop<T> = (item: T, placement: number) => void;

/** The first buffer a ring allocates (less when its capacity is less). */
export const RING_INITIAL_BYTES = 64 * 1024;

/**
 * Variable-size byte records in one buffer of at most `capacity` bytes, oldest first out: a new
 * record goes right after the newest, and the oldest records are dropped (reported to `drop`)
 * until it fits. The buffer starts at `initialBytes` and doubles (its bytes copied to the same
 * offsets) instead of dropping or wrapping while it is under `capacity`, so records keep their
 * offsets. Each placement gets a number, increasing, so the owner can tell whether a dropped
 * record is still the one its item points at (an item may have been placed again since).
 *
 * @example
 * ```ts
 * const ring = new ByteRing<string>(1024);
 * const { offset, placement } = ring.place('a', 10, (item) => console.log('dropped', item));
 * ring.buffer.write('abc', offset);
 * ```
 */
export class ByteRing<T> {
  readonly capacity: number;
  #buffer: TextBuffer | null = null;
  /** Where the next record may start. */
  #head = 0;
  #lastPlacement = 0;
  /** The records in placement order, from index `#first` on (a queue over three arrays). */
  #items: T[] = [];
  #offsets: number[] = [];
  #placements: number[] = [];
  #first = 0;

  readonly #initialBytes: number;

  constructor(capacity: number, initialBytes = RING_INITIAL_BYTES) {
    this.capacity = capacity;
    this.#initialBytes = Math.max(1, Math.min(capacity, initialBytes));
  }

  /** The buffer as it is now (allocated on first use; a larger one replaces it as it grows). */
  get buffer(): TextBuffer {
    this.#buffer ??= textBuffer(this.#initialBytes);
    return this.#buffer;
  }

  /** Bytes the buffer has now: from the initial size up to `capacity`. */
  get size(): number {
    return this.#buffer === null ? 0 : this.#buffer.bytes.length;
  }

  /** Records held, stale ones included. */
  get count(): number {
    return this.#items.length - this.#first;
  }

  /**
   * Reserves `size` bytes (≤ `capacity`) for `item`, dropping the oldest records until they fit.
   * A record of 0 bytes takes no room and is dropped in its turn like the others.
   */
  place(item: T, size: number, drop: RingDrop<T>): { offset: number; placement: number } {
    if (size > this.capacity || size < 0) throw new RangeError(`ByteRing: a record of ${size} bytes does not fit in ${this.capacity}`);
    let offset: number;
    for (;;) {
      const end = this.buffer.bytes.length;
      if (this.#first === this.#items.length) {
        if (end < size) {
          this.#grow(size);
          continue;
        }
        offset = 0;
        break;
      }
      const tail = this.#offsets[this.#first]!;
      const head = this.#head;
      if (tail < head) {
        // Held: [tail, head). Free: [head, end) and [0, tail).
        if (end - head >= size) {
          offset = head;
          break;
        }
        // Under capacity the buffer grows instead: it never wraps before it is full size.
        if (end < this.capacity) {
          this.#grow(head + size);
          continue;
        }
        if (tail >= size) {
          offset = 0;
          break;
        }
      } else if (tail > head && tail - head >= size) {
        // Held: [tail, end of the records before the wrap) and [0, head). Free: [head, tail).
        offset = head;
        break;
      }
      // tail === head with records held: the buffer is full.
      this.#dropFirst(drop);
    }
    this.#head = offset + size;
    const placement = ++this.#lastPlacement;
    this.#items.push(item);
    this.#offsets.push(offset);
    this.#placements.push(placement);
    return { offset, placement };
  }

  /** Drops the oldest record (reported to `drop`); false when none is held. */
  dropOldest(drop: RingDrop<T>): boolean {
    if (this.#first === this.#items.length) return false;
    this.#dropFirst(drop);
    return true;
  }

  /** Forgets every record and frees the buffer. */
  clear(): void {
    this.#buffer = null;
    this.#head = 0;
    this.#items = [];
    this.#offsets = [];
    this.#placements = [];
    this.#first = 0;
  }

  /** A buffer of at least `bytes` (doubling, at most `capacity`), holding the old bytes at the same offsets. */
  #grow(bytes: number): void {
    const old = this.buffer;
    const grown = textBuffer(Math.min(this.capacity, Math.max(bytes, old.bytes.length * 2)));
    grown.bytes.set(old.bytes);
    this.#buffer = grown;
  }

  #dropFirst(drop: RingDrop<T>): void {
    const index = this.#first;
    const item = this.#items[index]!;
    const placement = this.#placements[index]!;
    this.#items[index] = undefined as T; // let the item go before the queue is compacted
    this.#first = index + 1;
    if (this.#first === this.#items.length) {
      this.#items.length = this.#offsets.length = this.#placements.length = 0;
      this.#first = 0;
      this.#head = 0;
    } else if (this.#first >= 1024 && this.#first * 2 >= this.#items.length) {
      // Compacted now and then, so dropping from the front stays O(1) amortised.
      this.#items.splice(0, this.#first);
      this.#offsets.splice(0, this.#first);
      this.#placements.splice(0, this.#first);
      this.#first = 0;
    }
    drop(item, placement);
  }
}
