// Audit verification ("IT Security"): finds edited, removed, reordered and cut-off lines in .office/audit.jsonl.
import { readFile } from 'node:fs/promises';
import {
  type AuditEntry,
  auditHeadPath,
  auditHeadSchema,
  auditPath,
  entryHash,
  parseAuditLine,
} from './audit-log.js';
import { GENESIS_HASH } from './audit-log.js';

export interface AuditProblem {
  /** 1-based line number in audit.jsonl (the line after the last one for lines missing at the end). */
  readonly line: number;
  readonly problem: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Well-formed entries read. */
  readonly entries: number;
  readonly problems: readonly AuditProblem[];
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

interface Located {
  readonly line: number;
  readonly entry: AuditEntry;
}

/**
 * Checks the whole chain. Each entry's hash must match its content (else it was edited), seq must rise by one
 * line after line (a gap is a removed line, a step back a reordered one), each entry's `prev` must be the hash of
 * the entry before it in seq order, the last line must be complete, and the head file must not record more
 * entries than the log holds (else lines were removed from the end).
 */
export async function verifyAudit(workspace: string): Promise<AuditVerification> {
  const text = (await readOptional(auditPath(workspace))) ?? '';
  return verifyAuditText(text, await readOptional(auditHeadPath(workspace)));
}

/** verifyAudit over the log's text and the head record's text (undefined when there is none), wherever kept. */
export function verifyAuditText(text: string, headText: string | undefined): AuditVerification {
  const problems: AuditProblem[] = [];
  const rawLines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline || text === '') rawLines.pop();

  const located: Located[] = [];
  rawLines.forEach((raw, index) => {
    const line = index + 1;
    const isLast = index === rawLines.length - 1;
    if (raw.trim() === '') {
      problems.push({ line, problem: 'empty line (entries are never blank)' });
      return;
    }
    const entry = parseAuditLine(raw);
    if (!entry) {
      problems.push({
        line,
        problem:
          isLast && !endsWithNewline
            ? 'the last line is cut off (an interrupted write, or the file was truncated)'
            : 'not a well-formed audit entry (edited, or a cut-off write)',
      });
      return;
    }
    if (isLast && !endsWithNewline) {
      problems.push({ line, problem: 'the last line has no line end (the file was truncated after it)' });
    }
    if (entryHash(entry) !== entry.hash) {
      problems.push({
        line,
        problem: `entry seq ${entry.seq} was edited: its content does not match its hash`,
      });
    }
    located.push({ line, entry });
  });

  let highest = 0;
  const seen = new Map<number, number>();
  for (const { line, entry } of located) {
    const earlier = seen.get(entry.seq);
    if (earlier !== undefined) {
      problems.push({ line, problem: `seq ${entry.seq} repeats the entry on line ${earlier}` });
      continue;
    }
    seen.set(entry.seq, line);
    if (entry.seq < highest) {
      problems.push({ line, problem: `out of order: seq ${entry.seq} comes after seq ${highest}` });
    }
    highest = Math.max(highest, entry.seq);
  }

  const bySeq = [...seen.keys()].sort((a, b) => a - b);
  const lineOf = (seq: number): number => seen.get(seq) ?? 0;
  const entryAt = new Map(located.map((l) => [l.line, l.entry]));
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  for (const seq of bySeq) {
    const line = lineOf(seq);
    const entry = entryAt.get(line);
    if (!entry) continue;
    if (seq > expected) {
      const missing = seq - expected === 1 ? `seq ${expected} is` : `seq ${expected}-${seq - 1} are`;
      problems.push({ line, problem: `${missing} missing before this line: removed from the log` });
    } else if (entry.prev !== prevHash) {
      problems.push({
        line,
        problem:
          prevSeq === 0
            ? 'the first entry does not start the chain'
            : `does not chain to seq ${prevSeq} (line ${lineOf(prevSeq)}): that entry was changed after this one was written`,
      });
    }
    expected = seq + 1;
    prevHash = entry.hash;
    prevSeq = seq;
  }

  if (headText !== undefined) {
    let head: { seq: number; hash: string } | undefined;
    try {
      const parsed = auditHeadSchema.safeParse(JSON.parse(headText));
      head = parsed.success ? parsed.data : undefined;
    } catch {
      head = undefined;
    }
    const after = rawLines.length + 1;
    if (!head) {
      problems.push({ line: after, problem: 'audit.head.json is not readable (edited?)' });
    } else if (head.seq > highest) {
      const missing = head.seq - highest === 1 ? `seq ${head.seq} is` : `seq ${highest + 1}-${head.seq} are`;
      problems.push({
        line: after,
        problem: `${missing} missing at the end: removed from the log (audit.head.json records seq ${head.seq})`,
      });
    } else if (head.seq === highest && head.seq > 0 && head.hash !== prevHash) {
      problems.push({
        line: lineOf(head.seq),
        problem: `seq ${head.seq} differs from the entry audit.head.json records`,
      });
    }
  }

  return {
    ok: problems.length === 0,
    entries: located.length,
    problems: problems.sort((a, b) => a.line - b.line),
  };
}
