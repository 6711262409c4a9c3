// JS/TS value-flow extraction (code intelligence): the flow unit of one parsed file, for the language-neutral solver
// (src/code/flow/). Runs after fact extraction on the same tree: it names functions and classes by the symbols
// extraction made, and notes which flow call each extracted call fact became (so the type layer's answers for a
// call can seed the solver's).
import type { Program } from '@babel/types';
import type { FlowUnit } from '../flow/ir.js';
import type { ExtractState } from './extract-state.js';
import { scanScopes } from './flow-scan.js';
import { program } from './flow-statements.js';
import { JsWalker } from './flow-walker.js';

export interface JsFlow {
  readonly unit: FlowUnit;
  /** Flow op index of each call fact, -1 where there is none. */
  readonly callOps: number[];
  /** The file uses ES module syntax. */
  readonly esm: boolean;
}

export function walkFlow(st: ExtractState, node: Program, text: string): JsFlow {
  const w = new JsWalker(st, scanScopes(node), text, node);
  program(w, node);
  w.ctx.names.finish();
  return { unit: w.b.unit(), callOps: w.callOps, esm: w.esm };
}
