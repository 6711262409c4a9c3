// Differential check of the checker answers kept across edits, on real code: after each edit (inside a function
// body with a declared return type, a comment line, a new exported function), `office graph` reusing the kept
// answers must print exactly what `office graph` prints from an empty cache, and it should take much less time.
//
//   npm run build && node bench/refine-memo.ts      (Node 24: node_modules/.bin first on PATH)
//
// Edits are chosen by a fixed pseudo-random sequence, so a run can be repeated. Results are appended to
// bench/RESULTS.md; scratch copies go to bench/.work/.
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const WORK = join(REPO, 'bench', '.work', 'refine-memo');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CORPORA = [
  { name: 'openai', source: 'node_modules/openai/src', seed: 7 },
  { name: 'zod', source: 'node_modules/zod/src', seed: 3 },
] as const;

const dist = (path: string) => pathToFileURL(join(REPO, 'dist', 'src', 'code', path)).href;
const { createCodeIndexService } = await import(dist('code-service.js'));
const { extractFacts } = await import(dist('ecmascript/extract.js'));

type Edit = 'body' | 'comment' | 'surface';

/** Applies the round's kind of edit to `text`; undefined when the file has nowhere to make it. */
function edit(kind: Edit, text: string, path: string, pick: (n: number) => number): string | undefined {
  if (kind === 'body') {
    const bodies: Array<[number, number]> = extractFacts(text, path).sb ?? [];
    if (bodies.length === 0) return undefined;
    const [start] = bodies[pick(bodies.length)]!;
    return `${text.slice(0, start + 1)}\n    void 0;\n${text.slice(start + 1)}`;
  }
  if (kind === 'comment') {
    const lines = text.split('\n');
    lines.splice(pick(lines.length), 0, '// edited by bench/refine-memo.ts');
    return lines.join('\n');
  }
  return `${text}\nexport function addedByBench(): number {\n  return 1;\n}\n`;
}

async function check(corpus: (typeof CORPORA)[number]): Promise<string[]> {
  const base = join(WORK, corpus.name);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(join(base, '.git'), { recursive: true });
  const dir = join(base, 'src');
  cpSync(join(REPO, corpus.source), dir, { recursive: true });
  const files = (readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort();
  let seed = corpus.seed;
  const pick = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const graph = async (): Promise<{ json: string; ms: number }> => {
    const started = performance.now();
    const json = JSON.stringify(await createCodeIndexService().graph(dir));
    return { json, ms: Math.round(performance.now() - started) };
  };
  const first = await graph();
  const rows = [`| ${corpus.name} | (first graph, empty cache) | | | | ${first.ms} |`];
  const kinds: Edit[] = ['body', 'comment', 'surface'];
  for (let round = 0; round < ROUNDS; round++) {
    const kind = kinds[round % kinds.length]!;
    let file: string | undefined;
    let edited: string | undefined;
    for (let tries = 0; tries < 20 && edited === undefined; tries++) {
      file = files[pick(files.length)]!;
      edited = edit(kind, readFileSync(join(dir, file), 'utf8'), file, pick);
    }
    if (file === undefined || edited === undefined) continue;
    writeFileSync(join(dir, file), edited);
    const kept = await graph();
    rmSync(join(base, '.office'), { recursive: true, force: true });
    const cold = await graph();
    const same = kept.json === cold.json;
    process.stderr.write(`${corpus.name} ${kind} ${file}: ${same ? 'same' : 'DIFFERENT'}\n`);
    rows.push(
      `| ${corpus.name} | ${kind} | \`${file}\` | ${same ? 'yes' : '**no**'} | ${kept.ms} | ${cold.ms} |`,
    );
  }
  return rows;
}

const rows: string[] = [];
for (const corpus of CORPORA) rows.push(...(await check(corpus)));
const text = [
  '',
  `## Checker answers kept across edits, against an empty cache (bench/refine-memo.ts), ${new Date().toISOString()}`,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}.`,
  "Each row edits one file, then runs `office graph` (every pending call refined) with the previous run's cache, then again from an empty cache; the two outputs must be identical.",
  '',
  '| tree | edit | file | identical | with kept answers ms | empty cache ms |',
  '|---|---|---|---|---:|---:|',
  ...rows,
  '',
].join('\n');
appendFileSync(join(REPO, 'bench', 'RESULTS.md'), text);
process.stdout.write(text);
