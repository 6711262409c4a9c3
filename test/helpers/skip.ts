// Test helper: a test that cannot run here is skipped with its reason in the test's meta, where reporters read it
// (.ci/run prints every skipped test with its reason from vitest's JSON report).
import type { TestOptions } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Why the test was skipped on this machine. */
    skipReason?: string;
  }
}

/** Test options: run when `condition` holds, else skip saying `reason`. */
export function requires(condition: boolean, reason: string): TestOptions {
  return condition ? {} : { skip: true, meta: { skipReason: reason } };
}
