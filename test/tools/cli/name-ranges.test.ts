import { describe, expect, it } from 'vitest';
import { compactNames } from '../../../tools/cli/name-ranges.js';

const shards = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `Shard${String(from + i).padStart(2, '0')}`);

describe('compactNames', () => {
  it('writes an unbroken run of numbered names as its first and last, keeping the padding', () => {
    expect(compactNames(shards(0, 63))).toEqual(['Shard00 … Shard63']);
  });

  it('keeps gaps: each unbroken run of three or more is one entry, shorter runs stay as they are', () => {
    expect(compactNames([...shards(0, 4), 'Shard07', 'Shard08', ...shards(10, 12)])).toEqual([
      'Shard00 … Shard04',
      'Shard07',
      'Shard08',
      'Shard10 … Shard12',
    ]);
  });

  it('groups by the shape around the number, in the order each shape first appears', () => {
    const pages = [2, 3, 4].flatMap((n) => [`OAuthProbe-${n}`, `OAuthProbe-Executive-${n}`, `OAuthProbe-Debug-${n}`]);
    expect(compactNames(['OAuthProbe', 'OAuthProbe-Executive', 'OAuthProbe-Debug', ...pages])).toEqual([
      'OAuthProbe',
      'OAuthProbe-Executive',
      'OAuthProbe-Debug',
      'OAuthProbe-2 … OAuthProbe-4',
      'OAuthProbe-Executive-2 … OAuthProbe-Executive-4',
      'OAuthProbe-Debug-2 … OAuthProbe-Debug-4',
    ]);
  });

  it('leaves names without numbers and short lists untouched', () => {
    expect(compactNames(['Shard05', 'Shard17', 'Dashboard2Stack'])).toEqual(['Shard05', 'Shard17', 'Dashboard2Stack']);
    expect(compactNames([])).toEqual([]);
  });
});
