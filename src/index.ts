// office's public API for plugin authors: define tools the same way the built-in ones are defined.
/** office's environment: process.env plus the secret-named variables office takes out of it at start-up. */
export { officeEnv } from './config/secrets.js';
export { ToolError } from './errors.js';
export type { Risk } from './schemas/config.js';
export {
  defineTool,
  type ToolContext,
  type ToolDefinition,
  type ToolPathAccess,
  type ToolReview,
} from './tools/define-tool.js';
