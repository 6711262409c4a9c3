import { describe, expect, it } from 'vitest';
import { formatAgo, formatLocal } from '../../src/util/dates.js';

describe('dates for people', () => {
  const at = new Date('2026-11-24T23:30:15Z');
  it('one local format, in the zone asked for', () => {
    expect(formatLocal(at, { timeZone: 'UTC' })).toBe('2026-11-24 23:30');
    expect(formatLocal(at, { timeZone: 'Asia/Tokyo' })).toBe('2026-11-25 08:30');
    expect(formatLocal(at, { timeZone: 'America/New_York', seconds: true })).toBe('2026-11-24 18:30:15');
  });
  it('how long ago, for lists', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    expect(formatAgo('2026-11-24T23:59:30Z', now)).toBe('just now');
    expect(formatAgo(at, now)).toBe('29 min ago');
    expect(formatAgo('2026-11-24T19:00:00Z', now)).toBe('5 h ago');
    expect(formatAgo('2026-11-23T12:00:00Z', now)).toBe('1 day ago');
    expect(formatAgo('2026-11-01T00:00:00Z', now)).toBe('24 days ago');
  });
});
