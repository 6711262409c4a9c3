// Terminal UI root ("Control Room"): the live view with the approval prompt below it, fed by the UI store.
import { Box, useInput, useStdin } from 'ink';
import { useSyncExternalStore } from 'react';
import { ApprovalPrompt } from './approval-prompt.js';
import { LiveView } from './live-view.js';
import type { UiStore } from './ui-store.js';

export interface OfficeAppProps {
  readonly store: UiStore;
  /** Ctrl-C while the terminal is in raw mode (the terminal sends no SIGINT then), after any open approval
   * request has been rejected with `Interrupted`. */
  readonly onCtrlC: () => void;
  readonly clock?: () => number;
}

export function OfficeApp({ store, onCtrlC, clock = Date.now }: OfficeAppProps) {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { isRawModeSupported } = useStdin();

  // Raw mode for the whole session keeps stray key presses from echoing into the frame; Ctrl-C must then be
  // turned back into an interrupt by hand.
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        store.interrupt('interrupted at the approval prompt');
        onCtrlC();
      }
    },
    { isActive: isRawModeSupported },
  );

  const { asking, askId } = snapshot;
  return (
    <Box flexDirection="column">
      <LiveView state={snapshot.run} compact={asking !== undefined} clock={clock} />
      {asking ? (
        <ApprovalPrompt
          key={askId}
          request={asking}
          queued={snapshot.queued}
          onAnswer={(answer) => store.answer(askId, answer)}
        />
      ) : null}
    </Box>
  );
}
