// Paths office prints for people are relative to the folder it runs in (so a terminal or editor opens them as
// printed), and OSC 8 hyperlinks to the file on a terminal that supports them; JSON keeps the documented paths.
import { cp, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInPty } from '../helpers/terminal.js';
import {
  BIN,
  FIXTURES,
  killStrayOffices,
  makeWorkspace,
  onlyJson,
  runOffice,
  type TempWorkspace,
} from '../helpers/workspace.js';

let ws: TempWorkspace;
beforeEach(async () => {
  ws = await makeWorkspace();
  await ws.write('.office.config.json', '{}\n');
  await cp(join(FIXTURES, 'ts-shop', 'src'), ws.path('src'), { recursive: true });
  await mkdir(ws.path('lib'));
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

const OSC8 = String.fromCharCode(27) + ']8;;';
/** The terminator ansi-escapes ends OSC 8 with (BEL; ESC \\ is the other one terminals accept). */
const ST = String.fromCharCode(7);
/** A terminal that shows hyperlinks (as supports-hyperlinks knows it) and one that does not. */
const wezterm = {
  TERM: 'xterm-256color',
  TERM_PROGRAM: 'WezTerm',
  TERM_PROGRAM_VERSION: '20240203-110809-5046fc22',
};
const plainXterm = { TERM: 'xterm-256color', TERM_PROGRAM: '', TERM_PROGRAM_VERSION: '' };
const link = (rel: string, abs: string) => `${OSC8}file://${hostname()}${abs}${ST}${rel}`;

describe('paths in text output', () => {
  it('office trace prints them relative to the current folder, wherever --dir is', async () => {
    const fromRoot = await runOffice(['trace', 'checkout', 'chargeCard', '--dir', 'src'], { cwd: ws.root });
    expect(fromRoot.stdout).toContain('  1. checkout  src/checkout.ts:15');
    expect(fromRoot.stdout).toContain('     ↳ src/checkout.ts:17:32  const receipt');
    const fromLib = await runOffice(['trace', 'checkout', 'chargeCard', '--dir', '../src'], {
      cwd: ws.path('lib'),
    });
    expect(fromLib.stdout).toContain('  1. checkout  ../src/checkout.ts:15');
    // Piped: no escape sequences at all.
    expect(fromRoot.stdout).not.toContain(OSC8);
  });

  it('office run prints them relative to the current folder too', async () => {
    const run = await runOffice(['run', '--offline', 'find chargeCard in ../src/payments'], {
      cwd: ws.path('lib'),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('../src/payments/card.ts:1:');
  });

  it('JSON keeps the paths relative to --dir, as documented', async () => {
    const run = await runOffice(['trace', 'checkout', 'chargeCard', '--dir', 'src', '--json'], {
      cwd: ws.root,
    });
    const from = (onlyJson(run.stdout) as { from: { file: string } }).from;
    expect(from.file).toBe('checkout.ts');
  });
});

describe('hyperlinks on a terminal', () => {
  it('office trace links each path to its file on a terminal that supports them', async () => {
    const pty = await runInPty([process.execPath, BIN, 'trace', 'checkout', 'chargeCard', '--dir', 'src'], {
      cwd: ws.root,
      env: wezterm,
    });
    expect(pty.code, pty.output).toBe(0);
    expect(pty.output).toContain(`${link('src/checkout.ts:15', ws.path('src/checkout.ts'))}${OSC8}${ST}`);
    expect(pty.output).toContain(link('src/checkout.ts:17:32', ws.path('src/checkout.ts')));
  });

  it('office run links the paths of its result', async () => {
    const pty = await runInPty(
      [process.execPath, BIN, 'run', '--offline', '--ci', 'find chargeCard in payments'],
      {
        cwd: ws.path('src'),
        env: wezterm,
      },
    );
    expect(pty.code, pty.output).toBe(0);
    expect(pty.output).toContain(link('payments/card.ts:1:23', ws.path('src/payments/card.ts')));
  });

  it('prints plain paths on a terminal that does not support them', async () => {
    const pty = await runInPty([process.execPath, BIN, 'trace', 'checkout', 'chargeCard', '--dir', 'src'], {
      cwd: ws.root,
      env: plainXterm,
    });
    expect(pty.code, pty.output).toBe(0);
    expect(pty.output).toContain('1. checkout  src/checkout.ts:15');
    expect(pty.output).not.toContain(OSC8);
  });
});
