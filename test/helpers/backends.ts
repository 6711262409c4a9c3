// Test helper: the state backends a suite runs against — the files under .office/ and a real PostgreSQL — so that
// one parameterised suite checks both (describe.each(stateBackends())).
import { randomBytes } from 'node:crypto';
import type { TestOptions } from 'vitest';
import { requires } from './skip.js';
import { freshDatabase, type RunningService, servicesMissing, startPostgres } from './services.js';

export interface StateBackendCase {
  readonly name: 'files' | 'postgres';
  /** Skips the suite, with the reason, where the backend cannot run. */
  readonly options: TestOptions;
  /** For beforeAll: starts what the backend needs. */
  start(): Promise<void>;
  /** For afterAll. */
  stop(): Promise<void>;
  /** A store URL no other test uses ("files", or a fresh database). */
  freshStore(): Promise<string>;
}

export function stateBackends(): StateBackendCase[] {
  let cluster: RunningService | undefined;
  return [
    {
      name: 'files',
      options: {},
      start: async () => {},
      stop: async () => {},
      freshStore: async () => 'files',
    },
    {
      name: 'postgres',
      options: requires(servicesMissing === undefined, servicesMissing ?? ''),
      async start() {
        cluster = await startPostgres();
      },
      async stop() {
        await cluster?.stop();
        cluster = undefined;
      },
      async freshStore() {
        if (!cluster) throw new Error('PostgreSQL was not started (call start() in beforeAll)');
        return freshDatabase(cluster.url, `t_${randomBytes(6).toString('hex')}`);
      },
    },
  ];
}
