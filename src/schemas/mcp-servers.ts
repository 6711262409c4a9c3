// MCP servers as tools ("Workshop"): the `mcpServers` section of `.office.config.json`. One strict shape for both
// transports, checked field by field, so a wrong entry is named (`mcpServers.notes.url: ...`), not "invalid union".
import { z } from 'zod';
import { risks } from './risks.js';

/** A server's name becomes the prefix of its tools' names (`notes.add_note`), so it is kept plain. */
export const MCP_SERVER_NAME = /^[a-z][a-z0-9_-]*$/;

const toolSettingsSchema = z.strictObject({
  /** The risk policy sees for this tool; overrides the server's `risk`. */
  risk: z.enum(risks, { error: `one of ${risks.join(', ')}` }),
});

const envValues = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name'), z.string());

export const mcpServerSchema = z
  .strictObject({
    /** stdio: the program to start (it speaks MCP on its stdin and stdout). */
    command: z.string().min(1, 'give the program to start').optional(),
    args: z.array(z.string()).optional(),
    /** stdio: working directory, relative to the workspace (default: the workspace). */
    cwd: z.string().min(1).optional(),
    /** stdio: variables for the server, on top of a minimal PATH/HOME/USER; "${NAME}" takes NAME from office's. */
    env: envValues.optional(),
    /** Streamable HTTP: the server's endpoint. */
    url: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL, e.g. http://127.0.0.1:3000/mcp' })
      .optional(),
    /** Streamable HTTP: request headers; "${NAME}" takes NAME from office's environment. */
    headers: z.record(z.string(), z.string()).optional(),
    /**
     * The risk policy sees for every tool of this server (default `exec`): with it, every approval mode asks
     * before a call (read-only refuses), since the server's code runs outside office's sandbox.
     */
    risk: z.enum(risks, { error: `one of ${risks.join(', ')}` }).optional(),
    /** Per-tool settings, keyed by the tool's name on the server (without the `server.` prefix). */
    tools: z.record(z.string(), toolSettingsSchema).default({}),
    /** How long the server may take to start and list its tools before it is reported and skipped. */
    startupTimeoutMs: z.int().min(100).max(600_000).default(10_000),
  })
  .superRefine((server, ctx) => {
    const stdio = server.command !== undefined;
    const http = server.url !== undefined;
    if (stdio === http) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: stdio
          ? 'give "command" (a program speaking MCP on stdio) or "url" (a Streamable HTTP endpoint), not both'
          : 'give "command" (a program speaking MCP on stdio) or "url" (a Streamable HTTP endpoint)',
      });
      return;
    }
    const wrong = stdio ? (['headers'] as const) : (['args', 'cwd', 'env'] as const);
    for (const field of wrong) {
      if (server[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: stdio ? 'is for servers reached by "url"' : 'is for servers started by "command"',
        });
      }
    }
  });

export type McpServerSettings = z.infer<typeof mcpServerSchema>;

export const mcpServersSchema = z.record(z.string(), mcpServerSchema).superRefine((servers, ctx) => {
  // Checked here rather than as the record's key schema, whose failure zod reports as "Invalid key in record".
  for (const name of Object.keys(servers)) {
    if (!MCP_SERVER_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'a server name is lower case: letters, digits, "-" and "_", starting with a letter',
      });
    }
  }
});
export type McpServersConfig = z.infer<typeof mcpServersSchema>;
