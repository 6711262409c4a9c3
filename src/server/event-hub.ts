// Receptionist's event feed ("Receptionist"): live loop events per task, numbered as they are stored in the task
// document (event N is `events[N]`), so a client that reconnects with Last-Event-ID misses nothing and sees
// nothing twice.
import type { LoopEvent } from '../office/events.js';
import type { Reporter } from '../office/ports.js';

export interface NumberedEvent {
  readonly id: number;
  readonly event: { readonly type: string; readonly at: string } & Record<string, unknown>;
}

type Listener = (e: NumberedEvent) => void;

export class EventHub {
  private readonly next = new Map<string, number>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly settledListeners = new Map<string, Set<() => void>>();

  /** The next event of `taskId` gets number `stored` (the count of events already in its document). */
  begin(taskId: string, stored: number): void {
    this.next.set(taskId, stored);
  }

  publish(taskId: string, event: NumberedEvent['event']): void {
    const id = this.next.get(taskId);
    if (id === undefined) return;
    this.next.set(taskId, id + 1);
    for (const l of this.listeners.get(taskId) ?? []) l({ id, event });
  }

  /** A Reporter feeding one task's run into the hub. */
  reporter(): Reporter {
    return {
      emit: (e: LoopEvent) => this.publish(e.task_id, { at: new Date().toISOString(), ...e }),
    };
  }

  /** A run of `taskId` has ended and everything it emitted is stored. */
  settled(taskId: string): void {
    for (const l of this.settledListeners.get(taskId) ?? []) l();
  }

  onSettled(taskId: string, listener: () => void): () => void {
    let set = this.settledListeners.get(taskId);
    if (!set) {
      set = new Set();
      this.settledListeners.set(taskId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.settledListeners.delete(taskId);
    };
  }

  subscribe(taskId: string, listener: Listener): () => void {
    let set = this.listeners.get(taskId);
    if (!set) {
      set = new Set();
      this.listeners.set(taskId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(taskId);
    };
  }
}
