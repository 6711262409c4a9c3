// Test helper: waits for what ink draws (ink-testing-library renders every frame) instead of sleeping a fixed time.
import type { render } from 'ink-testing-library';
import { waitFor } from './workspace.js';

type Rendered = ReturnType<typeof render>;

/**
 * One turn of the event loop: React runs the effects of a frame it has just drawn (ink's key listeners among
 * them) in a scheduler task queued when the frame was committed, so they have run once this resolves.
 */
const effectsRun = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The last frame, once one that satisfies `check` has been drawn; throws naming `what` if none comes. */
export async function untilFrame(
  app: Rendered,
  check: (frame: string) => boolean,
  what: string,
): Promise<string> {
  const frame = await waitFor(
    () => {
      const last = app.lastFrame() ?? '';
      return check(last) ? last : undefined;
    },
    `a frame with ${what}`,
    10_000,
  );
  await effectsRun();
  return frame;
}

/** Types keys one at a time, each after the frame the previous one drew (so ink handles it in the new state). */
export async function press(app: Rendered, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    const drawn = app.frames.length;
    app.stdin.write(key);
    await waitFor(() => app.frames.length > drawn, `a frame after the key ${JSON.stringify(key)}`, 10_000);
    await effectsRun();
  }
}
