// `office trace --format vimgrep`: `file:line:col:text` lines relative to the current folder, which vim loads into
// its quickfix list as they are; the notes explaining an empty answer go to stderr.
import { execFileSync } from 'node:child_process';
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requires } from '../helpers/skip.js';
import { runInPty } from '../helpers/terminal.js';
import {
  BIN,
  FIXTURES,
  killStrayOffices,
  makeWorkspace,
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

const PATH_LINES = [
  'checkout.ts:15:1:checkout',
  'checkout.ts:17:32:checkout → OrderService.place: const receipt = await orders.place(cart);',
  'orders/order-service.ts:18:41:OrderService.place → StripeGateway.charge: const chargeId = await this.gateway.charge(cart.total);',
  'gateways/stripe.ts:5:12:StripeGateway.charge → chargeCard: return chargeCard(amount, 3);',
];

function hasVim(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v vim'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('office trace --format vimgrep', () => {
  it('one line per hop, file:line:col relative to the current folder', async () => {
    const run = await runOffice(
      ['trace', 'checkout', 'chargeCard', '--dir', '../src', '--format', 'vimgrep'],
      {
        cwd: ws.path('lib'),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(PATH_LINES.map((l) => `../src/${l}\n`).join(''));
  });

  it('the same from the indexed folder, reached with -C', async () => {
    const run = await runOffice(['-C', 'src', 'trace', 'checkout', 'chargeCard', '--format', 'vimgrep'], {
      cwd: ws.root,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(PATH_LINES.map((l) => `${l}\n`).join(''));
  });

  it('no path: nothing on stdout, the reason on stderr, exit 4', async () => {
    const run = await runOffice(
      ['trace', 'checkout', 'legacy/card.ts:chargeCard', '--dir', 'src', '--format', 'vimgrep'],
      { cwd: ws.root },
    );
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('office: no call path from checkout (checkout.ts:15) to chargeCard');
  });

  it('an ambiguous name: each candidate at its declaration, exit 5', async () => {
    const run = await runOffice(['trace', 'chargeCard', 'checkout', '--dir', 'src', '--format', 'vimgrep'], {
      cwd: ws.root,
    });
    expect(run.code).toBe(5);
    expect(run.stdout).toBe(
      'src/legacy/card.ts:2:1:from candidate chargeCard (function)\n' +
        'src/payments/card.ts:1:1:from candidate chargeCard (function)\n',
    );
    expect(run.stderr).toContain('write "chargeCard" as one of');
  });

  it('plain paths even on a terminal that shows hyperlinks (an editor parses them)', async () => {
    const pty = await runInPty(
      [process.execPath, BIN, 'trace', 'checkout', 'chargeCard', '--dir', 'src', '--format', 'vimgrep'],
      {
        cwd: ws.root,
        env: {
          TERM: 'xterm-256color',
          TERM_PROGRAM: 'WezTerm',
          TERM_PROGRAM_VERSION: '20240203-110809-5046fc22',
        },
      },
    );
    expect(pty.code, pty.output).toBe(0);
    expect(pty.output).toContain(`src/${PATH_LINES[1]}`);
    expect(pty.output).not.toContain(`${String.fromCharCode(27)}]8;`);
  });

  it(
    'vim reads it into the quickfix list: each entry at its file, line and column',
    requires(hasVim(), 'vim is not installed'),
    async () => {
      const run = await runOffice(
        ['trace', 'checkout', 'chargeCard', '--dir', 'src', '--format', 'vimgrep'],
        {
          cwd: ws.root,
        },
      );
      await ws.write('trace.txt', run.stdout);
      execFileSync(
        'vim',
        [
          '-Nu',
          'NONE',
          '-i',
          'NONE',
          '-es',
          '-c',
          'set errorformat=%f:%l:%c:%m',
          '-c',
          'cgetfile trace.txt',
          '-c',
          "call writefile(map(getqflist(), {_, e -> bufname(e.bufnr) . '|' . e.lnum . '|' . e.col . '|' . e.text}), 'qf.txt')",
          '-c',
          'qa!',
        ],
        { cwd: ws.root, stdio: 'ignore', timeout: 20_000 },
      );
      expect((await ws.read('qf.txt')).split('\n').filter((l) => l !== '')).toEqual([
        'src/checkout.ts|15|1|checkout',
        'src/checkout.ts|17|32|checkout → OrderService.place: const receipt = await orders.place(cart);',
        'src/orders/order-service.ts|18|41|OrderService.place → StripeGateway.charge: const chargeId = await this.gateway.charge(cart.total);',
        'src/gateways/stripe.ts|5|12|StripeGateway.charge → chargeCard: return chargeCard(amount, 3);',
      ]);
    },
  );
});
