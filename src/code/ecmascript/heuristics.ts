// JS/TS last-resort linking: a method call on an untyped receiver, matched by name to a few same-named methods.
import type { FileRecord } from './values.js';

/** At most this many same-named methods: more means the name says too little about which one runs. */
export const MAX_HEURISTIC_CANDIDATES = 3;

/** Names so common on builtins (arrays, maps, promises, streams, emitters, strings) that a match means nothing. */
const COMMON_NAMES = new Set(
  [
    'add apply bind call catch clear close concat delete emit end entries every exec filter finally find',
    'findIndex flat flatMap forEach get has includes indexOf join keys map match next off on once open',
    'pipe pop push read reduce reject replace resolve send set shift slice some sort splice split test then',
    'toJSON toString trim unshift valueOf values write log error warn info debug parse stringify assign',
    'create from of fill reverse at charAt startsWith endsWith padStart padEnd toLowerCase toUpperCase',
    'addEventListener removeEventListener dispatchEvent listen write writeHead setHeader status json',
    'remove length constructor',
  ]
    .join(' ')
    .split(' '),
);

export interface Candidate {
  readonly f: number;
  readonly s: number;
}

/** Methods by name: class methods (prototype ones included), fields holding functions, object-literal methods. */
export function methodsByName(files: readonly FileRecord[]): Map<string, Candidate[]> {
  const index = new Map<string, Candidate[]>();
  const add = (name: string, candidate: Candidate): void => {
    const list = index.get(name);
    if (!list) index.set(name, [candidate]);
    else if (!list.some((c) => c.f === candidate.f && c.s === candidate.s)) list.push(candidate);
  };
  for (const file of files) {
    for (const fact of file.facts.cls)
      for (const member of fact.mem)
        if (member.s !== undefined && member.k === 'm') add(member.n, { f: file.index, s: member.s });
    for (const fact of file.facts.obj)
      for (const prop of fact.p) if (prop.v.k === 'fn') add(prop.n, { f: file.index, s: prop.v.s });
  }
  return index;
}

/** The candidates a heuristic edge may go to for a call of `name`, or none. */
export function heuristicCandidates(
  index: ReadonlyMap<string, Candidate[]>,
  name: string,
): readonly Candidate[] {
  if (name === '' || COMMON_NAMES.has(name) || name.startsWith('#')) return [];
  const list = index.get(name) ?? [];
  return list.length <= MAX_HEURISTIC_CANDIDATES ? list : [];
}
