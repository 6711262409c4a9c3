// Files over the size cap are never skipped silently: `office trace` and `office run "find …"` say how many were
// left out and which are the largest, in the result and on stderr; `--max-file-bytes` moves the cap.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
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
  await ws.write(
    'src/checkout.ts',
    "import { charge } from './generated';\nexport function checkout() { charge(); }\n",
  );
  // A generated file past a 2 KB cap, holding the function the trace asks for and the text a search looks for.
  await ws.write(
    'src/generated.ts',
    `// NEEDLE\nexport function charge() { return 1; }\n${'// padding\n'.repeat(400)}`,
  );
});
afterEach(async () => {
  await killStrayOffices();
  await ws.cleanup();
});

describe('office trace with a file over the cap', () => {
  it('answers not_found but says the file was not indexed, in the JSON and on stderr', async () => {
    const run = await runOffice(
      ['trace', 'checkout', 'charge', '--dir', 'src', '--json', '--max-file-bytes', '2k'],
      {
        cwd: ws.root,
      },
    );
    expect(run.code).toBe(4);
    const result = onlyJson(run.stdout) as { stats: { too_large: unknown }; notes: string[] };
    expect(result.stats.too_large).toEqual({
      max_file_bytes: 2048,
      files: 1,
      largest: [{ file: 'generated.ts', bytes: 4449 }],
    });
    expect(result.notes.join('\n')).toContain(
      '1 file over the 2.0 KB cap was not indexed: generated.ts (4.3 KB)',
    );
    expect(run.stderr).toContain('office: 1 file over the 2.0 KB cap was not indexed: generated.ts (4.3 KB)');
    expect(run.stderr).toContain('--max-file-bytes');
  });

  it('finds the path once --max-file-bytes lets the file in', async () => {
    const run = await runOffice(['trace', 'checkout', 'charge', '--dir', 'src', '--max-file-bytes', '8k'], {
      cwd: ws.root,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('checkout → charge: 1 call path');
    expect(run.stderr).not.toContain('cap');
  });

  it('refuses a size it cannot read', async () => {
    const run = await runOffice(['trace', 'a', 'b', '--dir', 'src', '--max-file-bytes', 'lots'], {
      cwd: ws.root,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-file-bytes takes a size in bytes');
  });
});

describe('office run "find …" with a file over the cap', () => {
  it('says which files it did not search, in the result, the output and on stderr', async () => {
    const run = await runOffice(['run', '--offline', '--max-file-bytes', '2k', 'find NEEDLE in src'], {
      cwd: ws.root,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('no match for "NEEDLE" in src');
    expect(run.stdout).toContain(
      'note: 1 file over the 2.0 KB cap was not searched: src/generated.ts (4.3 KB)',
    );
    expect(run.stderr).toContain('1 file over the 2.0 KB cap was not searched: src/generated.ts');

    const json = await runOffice(
      ['run', '--offline', '--json', '--max-file-bytes', '2k', 'find NEEDLE in src'],
      {
        cwd: ws.root,
      },
    );
    const out = onlyJson(json.stdout) as { result: { too_large: { files: number } } };
    expect(out.result.too_large.files).toBe(1);

    const roomy = await runOffice(['run', '--offline', 'find NEEDLE in src'], { cwd: ws.root });
    expect(roomy.stdout).toContain('src/generated.ts:1:4: // NEEDLE');
  });
});
