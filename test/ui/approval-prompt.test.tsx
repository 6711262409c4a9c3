// The approval prompt: what it shows, and which ApprovalAnswer each key gives back to the loop.
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Interrupted } from '../../src/errors.js';
import type { ApprovalRequest } from '../../src/office/ports.js';
import { OfficeApp } from '../../src/ui/office-app.js';
import { createUiStore } from '../../src/ui/ui-store.js';
import { press as pressKeys, untilFrame } from '../helpers/ink-frames.js';

const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  esc: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
};

afterEach(() => cleanup());

function request(over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    taskId: 'task-1',
    planId: 'touch.p1',
    stepId: 'write',
    tool: 'touch_file',
    risk: 'write',
    inputs: { path: 'hello.txt' },
    action: 'writes hello.txt',
    reason: '"touch_file" has risk "write"; it runs only with approval',
    ...over,
  };
}

function mount(options: { signal?: AbortSignal } = {}) {
  const store = createUiStore(options);
  const interrupts: number[] = [];
  const app = render(<OfficeApp store={store} onCtrlC={() => interrupts.push(1)} />);
  // Each key waits for the frame the one before it drew; a lone Esc draws after ink's 20 ms escape-sequence wait.
  const press = (...keys: string[]) => pressKeys(app, ...keys);
  /** Waits for the prompt to be on screen and listening. */
  const prompted = (stepId = 'write') =>
    untilFrame(
      app,
      (f) => f.includes('approval needed') && f.includes(`step ${stepId} `),
      `the prompt for ${stepId}`,
    );
  return { store, app, press, prompted, interrupts, frame: () => app.lastFrame() ?? '' };
}

describe('approval prompt', () => {
  it('shows the tool, its risk, the inputs, why policy asks and the gatekeeper’s assessment, below the live view', async () => {
    const { store, frame, prompted } = mount();
    store.reporter.emit({
      type: 'task_started',
      task_id: 'task-1',
      request: 'touch hello.txt',
      resumed: false,
    });
    store.reporter.emit({
      type: 'subtask_planned',
      task_id: 'task-1',
      subtask_id: 'touch',
      plan_id: 'touch.p1',
      iteration: 1,
      source: 'template',
      by: 'template:touch',
      steps: [{ step_id: 'write', action: 'touch_file' }],
    });
    void store.approver.ask(request({ assessment: 'low risk: creates one empty file' }));
    await prompted();
    const text = frame();
    expect(text).toContain('"touch hello.txt"');
    expect(text).toMatch(/\? touch needs approval · iteration 1/);
    expect(text).toMatch(/approval needed touch_file risk write · step write · plan touch\.p1/);
    expect(text).toContain('inputs {"path":"hello.txt"}');
    expect(text).toContain('why "touch_file" has risk "write"; it runs only with approval');
    expect(text).toContain('gatekeeper low risk: creates one empty file');
    expect(text).toMatch(/❯ y approve this step once/);
    expect(text).toContain('a approve touch_file for the rest of this task');
    expect(text.indexOf('touch hello.txt')).toBeLessThan(text.indexOf('approval needed'));
  });

  it('cuts long inputs to a few lines and says how many were left out', async () => {
    const { store, frame, prompted } = mount();
    const inputs = { files: Array.from({ length: 30 }, (_, i) => `src/module-${i}/index.ts`) };
    void store.approver.ask(request({ inputs }));
    await prompted();
    const text = frame();
    expect(text).toContain('"src/module-0/index.ts"');
    expect(text).not.toContain('"src/module-29/index.ts"');
    expect(text).toMatch(/… 31 more lines/);
  });

  it('shows exactly what a command will run, never cut, and marks a step a model proposed after reading files', async () => {
    const { store, frame, app } = mount();
    const argv = [
      'npm',
      'run',
      'build',
      '--',
      '--out-dir',
      'a folder with spaces',
      ...Array(12).fill('--flag'),
    ];
    void store.approver.ask(
      request({
        tool: 'run_command',
        risk: 'exec',
        inputs: { argv, cwd: '.' },
        command: argv,
        action: `runs ${argv.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')} (in .)`,
        provenance: 'a model (ollama:mid) that had read workspace files',
      }),
    );
    await untilFrame(app, (f) => f.includes('approval needed'), 'the prompt');
    // Long lines wrap inside the prompt's border; nothing is cut.
    const text = frame().replace(/┃/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('proposed by a model (ollama:mid) that had read workspace files');
    expect(text).toContain(
      `step runs npm run build -- --out-dir "a folder with spaces" ${Array(12).fill('--flag').join(' ')} (in .)`,
    );
  });

  it('y approves the step once', async () => {
    const { store, press, prompted } = mount();
    const answer = store.approver.ask(request());
    await prompted();
    await press('y');
    await expect(answer).resolves.toEqual({ decision: 'approve', scope: 'once' });
  });

  it('a approves the tool for the rest of the task', async () => {
    const { store, press, prompted } = mount();
    const answer = store.approver.ask(request());
    await prompted();
    await press('a');
    await expect(answer).resolves.toEqual({ decision: 'approve', scope: 'tool' });
  });

  it('n denies the step without a note', async () => {
    const { store, press, prompted } = mount();
    const answer = store.approver.ask(request());
    await prompted();
    await press('n');
    await expect(answer).resolves.toEqual({ decision: 'deny' });
  });

  it('d opens a note input; the typed note goes back with the denial on Enter', async () => {
    const { store, press, frame, prompted } = mount();
    const answer = store.approver.ask(request());
    await prompted();
    await press('d');
    expect(frame()).toContain('note for the planner:');
    await press('w', 'r', 'i', 't', 'e', ' ', 'x', KEY.backspace, 'to ./out instead', KEY.enter);
    await expect(answer).resolves.toEqual({ decision: 'deny', note: 'write to ./out instead' });
  });

  it('Esc in the note input goes back to the choices, and the prompt still answers', async () => {
    const { store, press, frame, prompted } = mount();
    const answer = store.approver.ask(request());
    await prompted();
    await press('d', 'n', 'o', 'p', 'e');
    expect(frame()).toContain('note for the planner: nope');
    await press(KEY.esc);
    expect(frame()).not.toContain('note for the planner:');
    expect(frame()).toMatch(/❯ y approve this step once/);
    await press('y');
    await expect(answer).resolves.toEqual({ decision: 'approve', scope: 'once' });
  });

  it('arrow keys move the highlight and Enter picks the highlighted choice', async () => {
    const { store, press, frame, prompted } = mount();
    const first = store.approver.ask(request());
    await prompted();
    await press(KEY.down, KEY.down, KEY.down, KEY.up);
    expect(frame()).toMatch(/❯ n deny/);
    await press(KEY.enter);
    await expect(first).resolves.toEqual({ decision: 'deny' });

    const second = store.approver.ask(request({ stepId: 'write2' }));
    await prompted('write2');
    await press(KEY.down, KEY.enter);
    await expect(second).resolves.toEqual({ decision: 'approve', scope: 'tool' });

    const third = store.approver.ask(request({ stepId: 'write3' }));
    await prompted('write3');
    await press(KEY.up, KEY.enter, 'n', 'o', KEY.enter);
    await expect(third).resolves.toEqual({ decision: 'deny', note: 'no' });
  });

  it('asks in sequence each get their own prompt, in order, and a new prompt starts from the first choice', async () => {
    const { store, press, frame, prompted } = mount();
    const first = store.approver.ask(request({ stepId: 'one' }));
    const second = store.approver.ask(request({ stepId: 'two', tool: 'run_command', risk: 'exec' }));
    await prompted('one');
    expect(frame()).toMatch(/step one · plan touch\.p1 · 1 more waiting/);
    await press(KEY.down);
    await press(KEY.enter);
    await expect(first).resolves.toEqual({ decision: 'approve', scope: 'tool' });
    expect(frame()).toMatch(/approval needed run_command risk exec · step two/);
    expect(frame()).toMatch(/❯ y approve this step once/);
    await press('n');
    await expect(second).resolves.toEqual({ decision: 'deny' });
    expect(frame()).not.toContain('approval needed');
  });

  it('Ctrl-C at the prompt interrupts the run: the open request fails with Interrupted and the interrupt handler runs', async () => {
    const { store, press, interrupts, frame, prompted } = mount();
    const answer = store.approver.ask(request());
    await prompted();
    const rejected = expect(answer).rejects.toBeInstanceOf(Interrupted);
    await press(KEY.ctrlC);
    await rejected;
    expect(interrupts).toHaveLength(1);
    expect(frame()).not.toContain('approval needed');
  });

  it('an aborted run closes the open prompt with Interrupted, so no answer is recorded', async () => {
    const controller = new AbortController();
    const { store, prompted } = mount({ signal: controller.signal });
    const answer = store.approver.ask(request());
    await prompted();
    controller.abort();
    await expect(answer).rejects.toBeInstanceOf(Interrupted);
    await expect(store.approver.ask(request())).rejects.toBeInstanceOf(Interrupted);
  });
});
