// office's public API for plugin authors: define tools the same way the built-in ones are defined.
export { ToolError } from './errors.js';
export type { Risk } from './schemas/config.js';
export {
  defineTool,
  type ToolContext,
  type ToolDefinition,
  type ToolPathAccess,
  type ToolReview,
} from './tools/define-tool.js';
