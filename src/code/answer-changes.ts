// What changed between two answers to one question (code intelligence), for watch mode: paths or tree branches
// that appeared or went, links whose calls changed, and places that only moved. Pure functions of the public shapes.
import { asIndexed, type ShowPath } from './format.js';
import type { CallTreeNode, Hop, NeighboursResult, PublicSymbol, TraceResult } from './service.js';

/**
 * One fact of an answer, by a key that names it without line numbers: what it says (`detail`), where it is
 * (`place`: lines move when code above them is edited), and a short location for people (`where`).
 */
interface Fact {
  readonly detail: string;
  readonly place: string;
  readonly where: string;
}
export type AnswerFacts = ReadonlyMap<string, Fact>;

export interface AnswerChanges {
  /** Facts of the new answer that the last one did not have, each as `key  where`. */
  readonly added: string[];
  /** Facts of the last answer that the new one does not have. */
  readonly removed: string[];
  /** Facts that say something else now, as `key: before → after`. */
  readonly changed: string[];
  /** Facts that say the same at other lines (code above them was edited). */
  readonly moved: number;
}

const whereOf = (symbol: PublicSymbol, show: ShowPath = asIndexed): string =>
  symbol.kind === 'external' || symbol.file === '' ? 'library code' : show(symbol.file, symbol.line);

interface Linked {
  readonly edge: Hop['edge'];
  readonly call: Hop['call'];
  readonly calls?: Hop['calls'];
}

/** How a link was made, without its lines: its kind and how many call sites it has. */
function linkDetail(link: Linked): string {
  const count = link.calls && link.calls.length > 0 ? link.calls.length : link.call ? 1 : 0;
  return `${link.edge ?? 'call'}${count > 1 ? ` ×${count}` : ''}`;
}

function linkPlace(link: Linked): string {
  const sites = link.calls && link.calls.length > 0 ? link.calls : link.call ? [link.call] : [];
  return sites.map((site) => `${site.file}:${site.line}:${site.column}`).join(',');
}

/**
 * A trace answer's facts: its status, and each path by the names along it. `show` writes the short locations people
 * read (text output shows paths as its answers do; JSON keeps them relative to the indexed directory).
 */
export function traceFacts(result: TraceResult, show?: ShowPath): AnswerFacts {
  const facts = new Map<string, Fact>();
  const ends = `${result.from?.qualified_name ?? '?'} → ${result.to?.qualified_name ?? '?'}`;
  facts.set('answer', { detail: `${result.status} (${ends})`, place: '', where: '' });
  for (const path of result.paths) {
    const key = `path ${path.hops.map((hop) => hop.qualified_name).join(' → ')}`;
    facts.set(key, {
      detail: path.hops.slice(1).map(linkDetail).join(', '),
      place: path.hops.map((hop) => `${whereOf(hop)}@${linkPlace(hop)}`).join(' '),
      where: whereOf(path.hops[0]!, show),
    });
  }
  return facts;
}

/** A caller or callee tree's facts: its status, and each node by the names from the root down to it. */
export function treeFacts(result: NeighboursResult, show?: ShowPath): AnswerFacts {
  const facts = new Map<string, Fact>();
  facts.set('answer', {
    detail: `${result.status} (${result.direction} of ${result.symbol?.qualified_name ?? '?'})`,
    place: '',
    where: '',
  });
  const noun = result.direction === 'callers' ? 'caller' : 'callee';
  const arrow = result.direction === 'callers' ? ' ← ' : ' → ';
  const visit = (node: CallTreeNode, chain: string): void => {
    for (const child of node.children) {
      const key = `${chain}${arrow}${child.qualified_name}`;
      // The same branch twice (two symbols of one name under one parent) is one fact: the later one is numbered.
      let unique = `${noun} ${key}`;
      for (let n = 2; facts.has(unique); n++) unique = `${noun} ${key} (${n})`;
      facts.set(unique, {
        detail:
          linkDetail(child) +
          (child.cycle ? ', cycle' : '') +
          (child.more > 0 ? `, +${child.more} more` : ''),
        place: `${whereOf(child)}@${linkPlace(child)}`,
        where: whereOf(child, show),
      });
      visit(child, key);
    }
  };
  if (result.tree) visit(result.tree, result.tree.qualified_name);
  return facts;
}

export function answerChanges(before: AnswerFacts, after: AnswerFacts): AnswerChanges {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  let moved = 0;
  const shown = (key: string, fact: Fact) => (fact.where ? `${key}  ${fact.where}` : key);
  for (const [key, fact] of after) {
    const old = before.get(key);
    if (!old) added.push(shown(key, fact));
    else if (old.detail !== fact.detail) changed.push(`${key}: ${old.detail} → ${fact.detail}`);
    else if (old.place !== fact.place) moved++;
  }
  for (const [key, fact] of before) if (!after.has(key)) removed.push(shown(key, fact));
  return { added, removed, changed, moved };
}

export function isUnchanged(changes: AnswerChanges): boolean {
  return (
    changes.added.length === 0 &&
    changes.removed.length === 0 &&
    changes.changed.length === 0 &&
    changes.moved === 0
  );
}

/** The changes for a person: one line each, `+` added, `-` removed, `~` changed. */
export function changesText(changes: AnswerChanges): string[] {
  if (isUnchanged(changes)) return ['the answer is unchanged'];
  return [
    'changes since the last answer:',
    ...changes.removed.map((line) => `  - ${line}`),
    ...changes.added.map((line) => `  + ${line}`),
    ...changes.changed.map((line) => `  ~ ${line}`),
    ...(changes.moved > 0
      ? [`  ~ ${changes.moved} unchanged ${changes.moved === 1 ? 'entry' : 'entries'} at other lines now`]
      : []),
  ];
}
