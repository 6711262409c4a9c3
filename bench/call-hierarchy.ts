// Benchmark of correctness: office's call graph against the TypeScript language service's call hierarchy (what
// an editor's "Show Call Hierarchy" shows) on real TypeScript trees nobody here wrote.
//
//   npm run build && node bench/call-hierarchy.ts      (Node 24: node_modules/.bin first on PATH)
//
// The outgoing calls of every named function, method, constructor, accessor and function-valued variable or
// property of the tree, as the language service reports them, are compared with the edges of `office graph`
// (checker refinement included), call site by call site:
//   - a call the language service resolves to a function or class of the tree must be an office edge at that line
//     to that function or constructor (recall);
//   - a call it resolves to an interface or abstract member (which has no body: no symbol in office) must be met
//     by office `dispatch` edges at that line (office goes on to the implementations);
//   - getter and setter accesses, which the call hierarchy counts as calls, are counted apart: office does not
//     model property reads as calls;
//   - `new X()` of a class that declares no constructor is met by office's instantiation of X at that line (and
//     the edge to the base constructor that runs there is counted as office's own, not against it);
//   - each precise office edge (`direct`, `method`, `constructor`) at a line where the language service reports a
//     call must be one of its calls there (precision). A precise edge at a line where the language service reports
//     none is a call through a value (a parameter, a property holding a function): the call hierarchy cannot see
//     those, so they are counted apart, not confirmed or refuted; so is an edge to a function of the same name as a
//     member without a body that the language service reports there (an object literal's `valid: () => …` for a
//     call `g.valid()` typed by an interface). `dispatch`, `callback`, `external` and
//     `heuristic` edges are counted: the call hierarchy has nothing to compare them with.
// Results are appended to bench/RESULTS.md; scratch copies go to bench/.work/.
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Project, ts } from 'ts-morph';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const WORK = join(REPO, 'bench', '.work', 'call-hierarchy');

const CORPORA = [
  { name: 'zod', source: 'node_modules/zod/src' },
  { name: 'openai', source: 'node_modules/openai/src' },
] as const;

interface GraphSymbol {
  id: string;
  name: string;
  qualified_name: string;
  kind: string;
  file: string;
  line: number;
}
interface GraphEdge {
  from: string;
  to: string;
  call: { file: string; line: number; column: number };
  edge: string;
}
interface GraphInstantiation {
  from: string;
  class: string;
  call: { file: string; line: number; column: number };
}

interface Tally {
  /** Call sites the language service reports, by what they call. */
  toFunctions: number;
  toFunctionsFound: number;
  toClasses: number;
  toClassesFound: number;
  toDeclarationsOnly: number;
  toDeclarationsOnlyDispatched: number;
  /** Calls of a variable, parameter or property that holds a function (`const f = g; f()`, `opts.onDone()`). */
  toValues: number;
  toValuesFound: number;
  toAccessors: number;
  /** `f.bind(x)` and references to a function that the call hierarchy lists beside calls. */
  notCalls: number;
  ourPrecise: number;
  /** Constructor edges to the base constructor that runs for a class without one: not in the call hierarchy. */
  implicitSuper: number;
  /** Precise office edges at lines where the call hierarchy has no call (calls through values). */
  throughValues: number;
  ourPreciseConfirmed: number;
  ourOther: Record<string, number>;
  missing: string[];
  unconfirmed: string[];
}

/** A call the language service reports: where it is and what it calls. */
interface TsCall {
  /** `file:line` of the call's first line, and of its last line when that differs (`super({\n...})`). */
  readonly site: string;
  readonly sites: readonly string[];
  readonly toFile: string;
  readonly toName: string;
  /** Lines a matching office symbol may start on: the declaration's first line to its name's (a class: all). */
  readonly from: number;
  readonly to: number;
  readonly target: 'function' | 'class' | 'declared' | 'value' | 'accessor' | 'bind' | 'reference';
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The named function-like declarations the call hierarchy has items for: (position of the name, the node). */
function functionDeclarations(file: ts.SourceFile): Array<{ pos: number; node: ts.Node }> {
  const out: Array<{ pos: number; node: ts.Node }> = [];
  const visit = (node: ts.Node): void => {
    const hasBody =
      (ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node)) &&
      node.body !== undefined &&
      node.name !== undefined;
    if (hasBody) out.push({ pos: (node as ts.FunctionDeclaration).name!.getStart(file), node });
    else if (ts.isConstructorDeclaration(node) && node.body) out.push({ pos: node.getStart(file), node });
    else if (
      (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)) &&
      node.initializer &&
      (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer)) &&
      (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name) || ts.isStringLiteral(node.name))
    ) {
      out.push({ pos: node.name.getStart(file), node });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

function lineOf(file: ts.SourceFile, pos: number): number {
  return file.getLineAndCharacterOfPosition(pos).line + 1;
}

async function compare(name: string, source: string): Promise<{ tally: Tally; files: number; ms: number }> {
  const base = join(WORK, name);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(join(base, '.git'), { recursive: true });
  const dir = join(base, 'src');
  cpSync(join(REPO, source), dir, { recursive: true });

  const started = performance.now();
  const { createCodeIndexService } = await import(
    pathToFileURL(join(REPO, 'dist', 'src', 'code', 'code-service.js')).href
  );
  const graph = (await createCodeIndexService().graph(dir)) as {
    symbols: GraphSymbol[];
    edges: GraphEdge[];
    instantiations: GraphInstantiation[];
  };
  const ms = Math.round(performance.now() - started);

  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: [],
    },
  });
  const paths = tsFiles(dir).map((path) => relative(dir, path).split('\\').join('/'));
  for (const path of paths) project.createSourceFile(`/${path}`, readFileSync(join(dir, path), 'utf8'));
  const service = project.getLanguageService().compilerObject;
  const program = project.getProgram().compilerObject;

  // Every call site the language service reports, from every named function of the tree. Where the two tools
  // attribute a call to different functions (TS gives calls in an object literal's arrow properties to the
  // enclosing function; office to the property), the call site and its target still agree: sites are compared.
  const tsCalls = new Map<string, TsCall[]>();
  /** The same calls under each line they span. */
  const tsCallsAt = new Map<string, TsCall[]>();
  for (const path of paths) {
    const file = program.getSourceFile(`/${path}`)!;
    for (const { pos } of functionDeclarations(file)) {
      for (const call of service.provideCallHierarchyOutgoingCalls(`/${path}`, pos)) {
        const to = call.to;
        const target = program.getSourceFile(to.file);
        // A namespace merged with a class (`declare namespace OpenAI`) is listed beside it: not a callee.
        if (!target || !paths.includes(to.file.slice(1)) || to.kind === ts.ScriptElementKind.moduleElement)
          continue;
        const declaration = findDeclaration(target, to.selectionSpan.start);
        const declared: TsCall['target'] =
          declaration === undefined
            ? 'function'
            : ts.isClassLike(declaration)
              ? 'class'
              : ts.isGetAccessorDeclaration(declaration) || ts.isSetAccessorDeclaration(declaration)
                ? 'accessor'
                : holdsValue(declaration)
                  ? 'value'
                  : hasBody(declaration)
                    ? 'function'
                    : 'declared';
        const span = declared === 'class' ? declaration!.getEnd() : to.selectionSpan.start;
        for (const fromSpan of call.fromSpans) {
          const first = lineOf(file, fromSpan.start);
          const last = lineOf(file, fromSpan.start + fromSpan.length);
          // The call hierarchy also lists `f.bind(x)`, which makes a function and calls nothing, and plain
          // references to a function (`this.f !== Base.prototype.f`).
          const after = file.text.slice(
            fromSpan.start + fromSpan.length,
            fromSpan.start + fromSpan.length + 6,
          );
          const before = file.text.slice(Math.max(0, fromSpan.start - 4), fromSpan.start);
          const called = /^\s*(\(|<|`|\?\.\()/.test(after) || before.endsWith('new ') || before.endsWith('<');
          const kind = after.startsWith('.bind(')
            ? 'bind'
            : called || declared === 'accessor'
              ? declared
              : 'reference';
          const site = `${path}:${first}`;
          const entry: TsCall = {
            site,
            sites: first === last ? [site] : [site, `${path}:${last}`],
            toFile: to.file.slice(1),
            toName: to.name,
            from: lineOf(target, to.span.start),
            to: lineOf(target, span),
            target: kind,
          };
          const list = tsCalls.get(site) ?? [];
          if (!list.some((other) => JSON.stringify(other) === JSON.stringify(entry))) list.push(entry);
          tsCalls.set(site, list);
          for (const at of entry.sites) tsCallsAt.set(at, [...(tsCallsAt.get(at) ?? []), entry]);
        }
      }
    }
  }
  const byId = new Map(graph.symbols.map((symbol) => [symbol.id, symbol]));
  const accepts = (call: TsCall, symbol: GraphSymbol): boolean =>
    symbol.file === call.toFile &&
    symbol.line >= call.from &&
    symbol.line <= call.to &&
    (call.target === 'class' || symbol.name === lastName(call.toName) || symbol.kind === 'constructor');
  /** Overload signatures name an implementation of the same name in the same file. */
  const implements_ = (call: TsCall, symbol: GraphSymbol): boolean =>
    symbol.file === call.toFile && symbol.name === lastName(call.toName);
  const edgesAt = new Map<string, GraphEdge[]>();
  const made = graph.instantiations.map((m) => ({ from: m.from, to: m.class, call: m.call, edge: 'new' }));
  for (const edge of [...graph.edges, ...made]) {
    const site = `${edge.call.file}:${edge.call.line}`;
    edgesAt.set(site, [...(edgesAt.get(site) ?? []), edge]);
  }

  const tally: Tally = {
    toFunctions: 0,
    toFunctionsFound: 0,
    toClasses: 0,
    toClassesFound: 0,
    toDeclarationsOnly: 0,
    toDeclarationsOnlyDispatched: 0,
    toValues: 0,
    toValuesFound: 0,
    toAccessors: 0,
    notCalls: 0,
    ourPrecise: 0,
    implicitSuper: 0,
    throughValues: 0,
    ourPreciseConfirmed: 0,
    ourOther: {},
    missing: [],
    unconfirmed: [],
  };
  const rank: Record<TsCall['target'], number> = {
    function: 0,
    class: 1,
    declared: 2,
    value: 2,
    accessor: 3,
    bind: 4,
    reference: 5,
  };
  for (const calls of tsCalls.values()) {
    // Declarations of one name merged or overloaded (an interface and a class, overload signatures) are one call.
    const byName = new Map<string, TsCall[]>();
    for (const call of calls) {
      const name = lastName(call.toName);
      byName.set(name, [...(byName.get(name) ?? []), call]);
    }
    for (const group of byName.values()) {
      const call = [...group].sort((a, b) => rank[a.target] - rank[b.target])[0]!;
      const ours = call.sites.flatMap((site) => edgesAt.get(site) ?? []);
      const hit = group.some((entry) =>
        ours.some((edge) => {
          const symbol = byId.get(edge.to);
          return symbol !== undefined && (accepts(entry, symbol) || implements_(entry, symbol));
        }),
      );
      if (call.target === 'accessor') tally.toAccessors++;
      else if (call.target === 'bind' || call.target === 'reference') tally.notCalls++;
      else if (call.target === 'value') {
        tally.toValues++;
        if (ours.some((edge) => byId.get(edge.to)?.kind !== 'external' && edge.edge !== 'external'))
          tally.toValuesFound++;
      } else if (call.target === 'declared') {
        tally.toDeclarationsOnly++;
        if (hit || ours.some((edge) => edge.edge === 'dispatch')) tally.toDeclarationsOnlyDispatched++;
        else tally.missing.push(`${call.site} → ${call.toFile} ${call.toName} (declared only)`);
      } else if (call.target === 'class') {
        tally.toClasses++;
        if (hit) tally.toClassesFound++;
        else tally.missing.push(`${call.site} → ${call.toFile} new ${call.toName}`);
      } else {
        tally.toFunctions++;
        if (hit) tally.toFunctionsFound++;
        else tally.missing.push(`${call.site} → ${call.toFile} ${call.toName}`);
      }
    }
  }
  /** `new X()` where X declares no constructor: office's edge goes on to the base constructor that runs. */
  const implicitSuper = (edge: GraphEdge, calls: readonly TsCall[]): boolean =>
    edge.edge === 'constructor' &&
    byId.get(edge.to)?.kind === 'constructor' &&
    calls.some((call) => call.target === 'class');
  for (const edge of graph.edges) {
    if (edge.edge !== 'direct' && edge.edge !== 'method' && edge.edge !== 'constructor') {
      tally.ourOther[edge.edge] = (tally.ourOther[edge.edge] ?? 0) + 1;
      continue;
    }
    const symbol = byId.get(edge.to);
    // Calls from a module's top level have no call hierarchy item to compare with.
    if (!symbol || byId.get(edge.from)?.kind === 'module') continue;
    tally.ourPrecise++;
    const calls = tsCallsAt.get(`${edge.call.file}:${edge.call.line}`) ?? [];
    const confirmed = calls.some(
      (call) => accepts(call, symbol) || (call.target === 'declared' && implements_(call, symbol)),
    );
    if (confirmed) tally.ourPreciseConfirmed++;
    else if (implicitSuper(edge, calls)) tally.implicitSuper++;
    // No call the language service resolves to a body at this line, or one it resolves only to a member without a
    // body of the same name (`g.valid()` on an interface-typed `g`): office names the function a value there holds.
    else if (
      !calls.some((call) => call.target === 'function' || call.target === 'class') ||
      calls.some(
        (call) =>
          (call.target === 'declared' || call.target === 'value') &&
          lastName(call.toName) === lastName(symbol.qualified_name),
      )
    )
      tally.throughValues++;
    else
      tally.unconfirmed.push(`${edge.call.file}:${edge.call.line} ${edge.from} → ${edge.to} [${edge.edge}]`);
  }
  return { tally, files: paths.length, ms };
}

function findDeclaration(file: ts.SourceFile, pos: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (pos < node.getFullStart() || pos >= node.getEnd()) return;
    if (
      ts.isFunctionLike(node) ||
      ts.isClassLike(node) ||
      ts.isVariableDeclaration(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isPropertyAssignment(node) ||
      ts.isPropertySignature(node) ||
      ts.isParameter(node)
    )
      found = node;
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** A variable, parameter or property not initialised with a function: calling it calls what it holds. */
function holdsValue(node: ts.Node): boolean {
  if (
    !ts.isVariableDeclaration(node) &&
    !ts.isParameter(node) &&
    !ts.isPropertyDeclaration(node) &&
    !ts.isPropertyAssignment(node)
  )
    return false;
  const init = node.initializer;
  return init === undefined || (!ts.isArrowFunction(init) && !ts.isFunctionExpression(init));
}

function hasBody(node: ts.Node): boolean {
  if (ts.isClassLike(node) || ts.isVariableDeclaration(node)) return true;
  if (ts.isPropertyDeclaration(node) || ts.isPropertyAssignment(node)) return node.initializer !== undefined;
  if (ts.isPropertySignature(node)) return false;
  return (node as ts.FunctionLikeDeclaration).body !== undefined;
}

/** `OpenAI.#sanitizeLogger` → `#sanitizeLogger`: the call hierarchy qualifies some member names. */
function lastName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const rows: string[] = [];
  const details: string[] = [];
  for (const corpus of CORPORA) {
    process.stderr.write(`${corpus.name} ...\n`);
    const { tally, files, ms } = await compare(corpus.name, corpus.source);
    // The whole lists, for a closer look than the report's first lines.
    writeFileSync(join(WORK, `${corpus.name}-missing.txt`), `${tally.missing.join('\n')}\n`);
    writeFileSync(join(WORK, `${corpus.name}-unconfirmed.txt`), `${tally.unconfirmed.join('\n')}\n`);
    const compared = tally.ourPrecise - tally.implicitSuper - tally.throughValues;
    const other = Object.entries(tally.ourOther)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ');
    rows.push(
      `| ${corpus.name} (${files} files) | ${tally.toFunctionsFound} / ${tally.toFunctions} (${percent(tally.toFunctionsFound, tally.toFunctions)}) | ` +
        `${tally.toClassesFound} / ${tally.toClasses} (${percent(tally.toClassesFound, tally.toClasses)}) | ` +
        `${tally.toDeclarationsOnlyDispatched} / ${tally.toDeclarationsOnly} (${percent(tally.toDeclarationsOnlyDispatched, tally.toDeclarationsOnly)}) | ` +
        `${tally.toValuesFound} / ${tally.toValues} (${percent(tally.toValuesFound, tally.toValues)}) | ${tally.toAccessors} | ${tally.notCalls} | ${tally.ourPreciseConfirmed} / ${compared} (${percent(tally.ourPreciseConfirmed, compared)}) | ${tally.throughValues} | ${tally.implicitSuper} | ${other} | ${ms} |`,
    );
    details.push(
      `### ${corpus.name}: calls the language service reports that office misses (first 15 of ${tally.missing.length})`,
      '',
      ...tally.missing.slice(0, 15).map((line) => `- ${line}`),
      '',
      `### ${corpus.name}: precise office edges where the language service reports other calls (first 15 of ${tally.unconfirmed.length})`,
      '',
      ...tally.unconfirmed.slice(0, 15).map((line) => `- ${line}`),
      '',
    );
  }
  const text = [
    '',
    `## Call graph against the TypeScript language service (bench/call-hierarchy.ts), ${new Date().toISOString()}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}.`,
    'Call sites of the call hierarchy (outgoing calls of every named function of the tree) against the edges of `office graph` (refined), by call site and target.',
    '',
    '| tree | calls to functions found | `new` of classes found | calls to members without a body met | calls of variables, parameters and properties: a function found | getter/setter accesses (not modelled) | `f.bind(x)` and references (not calls) | precise office edges confirmed (where the LS has calls) | precise office edges through values (LS has none) | implicit constructor (office only) | other office edges | office graph ms |',
    '|---|---|---|---|---|---:|---:|---|---:|---:|---|---:|',
    ...rows,
    '',
    ...details,
  ].join('\n');
  appendFileSync(join(REPO, 'bench', 'RESULTS.md'), text);
  process.stdout.write(text);
}

await main();
