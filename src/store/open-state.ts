// Archives' front door ("Archives"): opens the state backend a workspace is configured with — the files under
// .office/ (the default) or PostgreSQL — as the TaskStore and AuditLog the loop works through.
import { type AuditLog, fileAuditLog } from '../audit/audit-log.js';
import { createTaskStore, type TaskStore } from './task-store.js';

export interface StateBackend {
  readonly kind: 'files' | 'postgres';
  readonly store: TaskStore;
  readonly audit: AuditLog;
  /** Ends what the backend holds open (the connection pool): a long-lived process calls it before exiting. */
  close(): Promise<void>;
}

export interface StateOptions {
  /** "files", or a postgres:// URL. */
  readonly url: string;
  readonly leaseMs: number;
  readonly onLeaseLost?: (taskId: string) => void;
}

export async function openState(root: string, options: StateOptions): Promise<StateBackend> {
  if (options.url === 'files') {
    return { kind: 'files', store: createTaskStore(root), audit: fileAuditLog(root), close: async () => {} };
  }
  // Loaded only when configured: a workspace on files never loads the PostgreSQL client.
  const { openPostgresBackend } = await import('./postgres-store.js');
  const backend = await openPostgresBackend({
    url: options.url,
    leaseMs: options.leaseMs,
    ...(options.onLeaseLost ? { onLeaseLost: options.onLeaseLost } : {}),
  });
  return { kind: 'postgres', ...backend };
}
