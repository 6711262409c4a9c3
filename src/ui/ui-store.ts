// Terminal UI session state ("Control Room" and the "IT Security" prompt): the Reporter and Approver the loop talks
// to, holding the run state and the queue of open approval requests for the ink components to render.
import { Interrupted } from '../errors.js';
import type { LoopEvent } from '../office/events.js';
import type { ApprovalAnswer, ApprovalRequest, Approver, Reporter } from '../office/ports.js';
import {
  addNotice,
  initialRunState,
  markAwaitingApproval,
  type RunState,
  reduceRunState,
} from './run-state.js';

export interface UiSnapshot {
  readonly run: RunState;
  /** The approval request on screen, if any; `askId` changes with every new request. */
  readonly asking?: ApprovalRequest;
  readonly askId: number;
  /** Requests waiting behind the one on screen. */
  readonly queued: number;
}

export interface UiStore {
  readonly reporter: Reporter;
  readonly approver: Approver;
  getSnapshot(): UiSnapshot;
  subscribe(listener: () => void): () => void;
  /** Settles request `askId` with the person's answer and shows the next one; a stale id (a key pressed twice
   * before the screen caught up) is ignored, so no request is answered before it was shown. */
  answer(askId: number, answer: ApprovalAnswer): void;
  /** Tells subscribers about changes now instead of on the next microtask (before the last frame is drawn). */
  flush(): void;
  /** Shows a line that belongs to no step. */
  notice(message: string): void;
  /** Rejects every open request with `Interrupted`, so the loop stops as `interrupted` and asks again on resume. */
  interrupt(reason: string): void;
}

interface OpenAsk {
  readonly id: number;
  readonly request: ApprovalRequest;
  readonly resolve: (answer: ApprovalAnswer) => void;
  readonly reject: (error: Error) => void;
}

export interface UiStoreOptions {
  /** Epoch ms, for step timings. */
  readonly now?: () => number;
  /** When it aborts (Ctrl-C in the run command), open requests are rejected with `Interrupted`. */
  readonly signal?: AbortSignal;
}

export function createUiStore(options: UiStoreOptions = {}): UiStore {
  const now = options.now ?? Date.now;
  const listeners = new Set<() => void>();
  const queue: OpenAsk[] = [];
  let run = initialRunState;
  let nextId = 1;
  let snapshot: UiSnapshot = { run, askId: 0, queued: 0 };
  let notifyQueued = false;

  // Events arrive in bursts (one per approval record, per step): coalesce them into one render.
  const changed = () => {
    const head = queue[0];
    snapshot = {
      run,
      ...(head ? { asking: head.request } : {}),
      askId: head?.id ?? 0,
      queued: Math.max(0, queue.length - 1),
    };
    if (notifyQueued) return;
    notifyQueued = true;
    queueMicrotask(notify);
  };
  const notify = () => {
    if (!notifyQueued) return;
    notifyQueued = false;
    for (const listener of listeners) listener();
  };

  const interrupt = (reason: string) => {
    const open = queue.splice(0);
    if (open.length === 0) return;
    for (const ask of open) ask.reject(new Interrupted(reason));
    changed();
  };

  if (options.signal?.aborted) interrupt('interrupted before the prompt opened');
  options.signal?.addEventListener('abort', () => interrupt('interrupted at the approval prompt'), {
    once: true,
  });

  return {
    reporter: {
      emit(event: LoopEvent) {
        run = reduceRunState(run, event, now());
        changed();
      },
    },
    approver: {
      ask(request) {
        if (options.signal?.aborted) return Promise.reject(new Interrupted('interrupted'));
        return new Promise<ApprovalAnswer>((resolve, reject) => {
          queue.push({ id: nextId++, request, resolve, reject });
          run = markAwaitingApproval(run, request.planId);
          changed();
        });
      },
    },
    notice(message) {
      run = addNotice(run, message);
      changed();
    },
    flush: notify,
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    answer(askId, answer) {
      if (queue[0]?.id !== askId) return;
      const head = queue.shift();
      head?.resolve(answer);
      changed();
    },
    interrupt,
  };
}
