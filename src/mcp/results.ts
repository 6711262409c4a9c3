// MCP tool results ("Receptionist"): structured content plus a short text, and errors as MCP tool errors carrying
// the message the CLI prints for the same error.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { OfficeError } from '../errors.js';

export function toolResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** The message `office` prints after "office: " for this error (a bug keeps the CLI's wording too). */
export function errorMessage(err: unknown): string {
  if (err instanceof OfficeError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return `internal error: ${message}\nThis is a bug in office; please report it with the tool call that caused it.`;
}

export function toolError(err: unknown): CallToolResult {
  return { content: [{ type: 'text', text: errorMessage(err) }], isError: true };
}
