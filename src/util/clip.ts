// Clipping for echoes: a request or pattern a person pasted (100 KB of it) is shown by its start, once.

/** `text` when at most `max` characters, else its first `max` and how many more there were. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
