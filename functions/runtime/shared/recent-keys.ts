/**
 * Keys seen recently in this container (scheduled runs, SNS message ids), to drop duplicate deliveries.
 * Per container only: a duplicate that lands in another container is not caught here, which is why
 * the metrics are timestamped by scheduled time and notifications carry an incident key.
 */
/** A bounded set with least-recently-added eviction. */
export class RecentKeys {
  readonly #keys = new Set<string>();
  constructor(readonly capacity: number) {}

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    this.#keys.delete(key);
    this.#keys.add(key);
    while (this.#keys.size > this.capacity) {
      const oldest = this.#keys.values().next().value;
      if (oldest === undefined) break;
      this.#keys.delete(oldest);
    }
  }

  get size(): number {
    return this.#keys.size;
  }
}
