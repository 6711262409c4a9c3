// `office graph` (Receptionist): prints the call graph of a directory as JSON or Graphviz dot.
import { resolve } from 'node:path';
import { formatGraph, graphFormats } from '../../code/format.js';
import { EXIT, type ExitCode } from '../../errors.js';
import {
  type CodeCommandDeps,
  chooseFormat,
  codeService,
  withIndexProgress,
  workspaceCodeConfig,
} from './trace.js';

export interface GraphCommandOptions {
  dir?: string;
  format?: string;
  json?: boolean;
  /** False with `--no-refine`: no checker, only what linking resolves (and cached refinements). */
  refine?: boolean;
}

export async function graphCommand(opts: GraphCommandOptions, deps: CodeCommandDeps = {}): Promise<ExitCode> {
  const format = chooseFormat(opts.json ? 'json' : opts.format, graphFormats, '--format');
  const dir = resolve(opts.dir ?? '.');
  const service = deps.service ?? codeService(deps.config ?? (await workspaceCodeConfig(dir)));
  const refine = opts.refine !== false;
  if (refine && process.stderr.isTTY) {
    process.stderr.write(
      'office: resolving every call through the TypeScript checker where syntax cannot (on a large TS tree the\n' +
        '        first run costs about what `tsc --noEmit` does; later runs reuse it; --no-refine skips it)\n',
    );
  }
  const graph = await withIndexProgress((progress) => service.graph(dir, { ...progress, refine }));
  process.stdout.write(formatGraph(graph, format));
  return EXIT.ok;
}
