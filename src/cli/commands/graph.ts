// `office graph` (Receptionist): prints the call graph of a directory as JSON or Graphviz dot.
import { resolve } from 'node:path';
import { formatGraph, graphFormats } from '../../code/format.js';
import type { IndexStats } from '../../code/service.js';
import { withMaxFileBytes } from '../../util/too-large.js';
import { withExclude } from '../exclude.js';
import { note } from '../quiet.js';
import { EXIT, type ExitCode } from '../../errors.js';
import {
  type CodeCommandDeps,
  chooseFormat,
  codeService,
  reportTooLarge,
  withIndexProgress,
  workspaceCodeConfig,
} from './trace.js';

export interface GraphCommandOptions {
  dir?: string;
  format?: string;
  json?: boolean;
  maxFileBytes?: string;
  /** False with `--no-refine`: no checker, only what linking resolves (and cached refinements). */
  refine?: boolean;
  /** --exclude: more gitignore-style rules for the index, on top of config code.exclude. */
  exclude?: string[];
}

export async function graphCommand(opts: GraphCommandOptions, deps: CodeCommandDeps = {}): Promise<ExitCode> {
  const format = chooseFormat(opts.json ? 'json' : opts.format, graphFormats, '--format');
  const dir = resolve(opts.dir ?? '.');
  const config = withExclude(
    withMaxFileBytes(deps.config ?? (await workspaceCodeConfig(dir)), opts.maxFileBytes),
    opts.exclude,
  );
  const service = deps.service ?? codeService(config);
  const refine = opts.refine !== false;
  if (refine && process.stderr.isTTY) {
    note(
      'office: resolving every call through the TypeScript checker where syntax cannot (on a large TS tree the\n' +
        '        first run costs about what `tsc --noEmit` does; later runs reuse it; --no-refine skips it)\n',
    );
  }
  let stats: IndexStats | undefined;
  const graph = await withIndexProgress((progress) =>
    service.graph(dir, {
      ...progress,
      refine,
      onIndexed: (s) => {
        stats = s;
      },
    }),
  );
  process.stdout.write(formatGraph(graph, format));
  if (stats) reportTooLarge(stats);
  return EXIT.ok;
}
