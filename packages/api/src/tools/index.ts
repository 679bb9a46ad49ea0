export type { AuditEntry } from './audit.ts';
export type { RepoState } from './git.ts';
export type {
  ToolCallResult,
  ToolCatalog,
  ToolInfo,
  ToolName,
  ToolResult,
  ToolRunner,
} from './runner.ts';
export { createToolRunner } from './runner.ts';
export { parseScriptList } from './scripts.ts';
export { configuredSecrets } from './secrets.ts';
export type { ToolSettings } from './tool.ts';
