// listen's memory of the callbacks it has seen, to flag CometChat's redeliveries.
//
// Bounded (the newest `limit`) and kept off the JS heap: each callback is a 64-bit hash of its
// trigger and message id in typed arrays. A Set of key strings cost a busy listen ~3 µs a request
// (every key is copied through the young generation and promoted, then evicted as garbage; measured);
// this costs under 1 µs. Two different callbacks share a hash with a chance of about limit / 2^64
// per check (~5e-16 for 10,000): no delivery is ever refused on it, and a duplicate is only a flag.

export class RecentCallbacks {
  /** Open addressing with linear probing: hash halves and a used flag per slot. */
  private readonly highs: Int32Array;
  private readonly lows: Int32Array;
  private readonly used: Uint8Array;
  private readonly mask: number;
  /** Insertion order, to evict the oldest: the hash of each remembered callback. */
  private readonly ringHighs: Int32Array;
  private readonly ringLows: Int32Array;
  private readonly ringUsed: Uint8Array;
  private next = 0;
  private count = 0;
  /** The hash of the last key given to hash(): two numbers, without allocating an object. */
  private high = 0;
  private low = 0;

  constructor(private readonly limit = 10_000) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    let capacity = 8;
    while (capacity < limit * 2) capacity *= 2; // load stays under one half: short probe runs
    this.mask = capacity - 1;
    this.highs = new Int32Array(capacity);
    this.lows = new Int32Array(capacity);
    this.used = new Uint8Array(capacity);
    this.ringHighs = new Int32Array(limit);
    this.ringLows = new Int32Array(limit);
    this.ringUsed = new Uint8Array(limit);
  }

  /** True when this trigger and id were seen before; remembers them either way. */
  check(trigger: string, id: string): boolean {
    this.hash(trigger, id);
    const high = this.high;
    const low = this.low;
    if (this.find(high, low) !== -1) return true;
    const slot = this.next;
    if (this.ringUsed[slot]) this.remove(this.ringHighs[slot]!, this.ringLows[slot]!);
    this.insert(high, low);
    this.ringHighs[slot] = high;
    this.ringLows[slot] = low;
    this.ringUsed[slot] = 1;
    this.next = slot + 1 === this.limit ? 0 : slot + 1;
    return false;
  }

  /** Unremember a callback (its delivery was refused), so a retry is not taken for a duplicate. */
  forget(trigger: string, id: string): void {
    this.hash(trigger, id);
    const high = this.high;
    const low = this.low;
    if (this.find(high, low) === -1) return;
    this.remove(high, low);
    // Free its place in the ring too (rare: only after a failed write), so that place turning
    // over later cannot evict the same callback seen again.
    for (let i = 0; i < this.limit; i++) {
      if (this.ringUsed[i] && this.ringHighs[i] === high && this.ringLows[i] === low) this.ringUsed[i] = 0;
    }
  }

  get size(): number {
    return this.count;
  }

  /**
   * cyrb53's two lanes (bryc, public domain), kept at 64 bits, over trigger, a separator and id:
   * no concatenated key string is built.
   */
  private hash(trigger: string, id: string): void {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < trigger.length; i++) {
      const ch = trigger.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    // A separator outside UTF-16's range: ('ab', 'c') and ('a', 'bc') differ.
    h1 = Math.imul(h1 ^ 0x10000, 2654435761);
    h2 = Math.imul(h2 ^ 0x10000, 1597334677);
    for (let i = 0; i < id.length; i++) {
      const ch = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    this.high = h1 | 0;
    this.low = h2 | 0;
  }

  private find(high: number, low: number): number {
    for (let i = high & this.mask; this.used[i]; i = (i + 1) & this.mask) {
      if (this.highs[i] === high && this.lows[i] === low) return i;
    }
    return -1;
  }

  private insert(high: number, low: number): void {
    let i = high & this.mask;
    while (this.used[i]) i = (i + 1) & this.mask;
    this.highs[i] = high;
    this.lows[i] = low;
    this.used[i] = 1;
    this.count++;
  }

  /** Deletes by shifting later entries of the probe run back (no tombstones to slow lookups). */
  private remove(high: number, low: number): void {
    let hole = this.find(high, low);
    if (hole === -1) return;
    const mask = this.mask;
    for (let i = (hole + 1) & mask; this.used[i]; i = (i + 1) & mask) {
      const home = this.highs[i]! & mask;
      // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
      const homeInRun = hole <= i ? hole < home && home <= i : hole < home || home <= i;
      if (homeInRun) continue;
      this.highs[hole] = this.highs[i]!;
      this.lows[hole] = this.lows[i]!;
      hole = i;
    }
    this.used[hole] = 0;
    this.count--;
  }
}
