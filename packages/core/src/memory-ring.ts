// MemoryStore's history bytes: one buffer, allocated on first use and then reused, so keeping a
// delivery neither grows the JavaScript heap nor touches fresh memory once the buffer has wrapped.
import { textBuffer, type TextBuffer } from './bytes.js';

/** Told when a record is dropped to make room; `placement` tells a current record from a stale one. */
export type RingDrop<T> = (item: T, placement: number) => void;

/**
 * Variable-size byte records in one fixed buffer, oldest first out: a new record goes right after
 * the newest, and the oldest records are dropped (reported to `drop`) until it fits. Records
 * never move. Each placement gets a number, increasing, so the owner can tell whether a dropped
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

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The buffer, allocated on first use (zero-filled lazily by the OS: a page costs only once written). */
  get buffer(): TextBuffer {
    this.#buffer ??= textBuffer(this.capacity);
    return this.#buffer;
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
      if (this.#first === this.#items.length) {
        offset = 0;
        break;
      }
      const tail = this.#offsets[this.#first]!;
      const head = this.#head;
      if (tail < head) {
        // Held: [tail, head). Free: [head, capacity) and [0, tail).
        if (this.capacity - head >= size) {
          offset = head;
          break;
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
