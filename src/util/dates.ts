// Dates for people: one local format everywhere ("2026-11-24 14:05"), and how long ago in lists ("3 min ago").
// JSON keeps ISO 8601 UTC timestamps; only text goes through here.

/**
 * "YYYY-MM-DD HH:MM" in the local time zone (or `timeZone`, for tests and explicit zones); with `seconds`,
 * "YYYY-MM-DD HH:MM:SS" (the audit trail, where the order within a minute matters).
 */
export function formatLocal(
  date: Date | string,
  options: { readonly timeZone?: string; readonly seconds?: boolean } = {},
): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(options.seconds ? { second: '2-digit' as const } : {}),
    hourCycle: 'h23',
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).formatToParts(typeof date === 'string' ? new Date(date) : date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const time = `${part('hour')}:${part('minute')}${options.seconds ? `:${part('second')}` : ''}`;
  return `${part('year')}-${part('month')}-${part('day')} ${time}`;
}

/** "just now", "3 min ago", "5 h ago", "2 days ago" (a date in the future reads "just now"). */
export function formatAgo(date: Date | string, now: Date = new Date()): string {
  const seconds = Math.floor((now.getTime() - new Date(date).getTime()) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** For lists: "2026-11-24 14:05 (3 min ago)". */
export function formatWhen(date: Date | string, now: Date = new Date()): string {
  return `${formatLocal(date)} (${formatAgo(date, now)})`;
}
