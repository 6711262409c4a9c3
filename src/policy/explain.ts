// Policy explanations ("IT Security"): the words a user reads about approval modes and about one decision.
import type { ApprovalMode, Decision, PolicyRequest } from './decide.js';

export interface ModeDescription {
  /** One line for `--help` and the README. */
  readonly summary: string;
  readonly read: string;
  readonly write: string;
  readonly exec: string;
  readonly network: string;
}

/** What each approval mode does by default, before any rule in approval.rules. */
export const modeDescriptions: Readonly<Record<ApprovalMode, ModeDescription>> = {
  'read-only': {
    summary: 'reads and analyses only; every write, command and network access is denied',
    read: 'allow',
    write: 'deny',
    exec: 'deny',
    network: 'deny',
  },
  ask: {
    summary: 'reads freely; asks before every write, command and network access (the default)',
    read: 'allow',
    write: 'ask',
    exec: 'ask',
    network: 'ask',
  },
  'auto-edit': {
    summary:
      'reads and edits files inside the workspace without asking; asks before commands and network access',
    read: 'allow',
    write: 'allow inside the workspace, else ask',
    exec: 'ask',
    network: 'ask',
  },
  'full-auto': {
    summary:
      'reads, edits and runs commands without asking, commands only inside the bubblewrap sandbox; asks before network access',
    read: 'allow',
    write: 'allow inside the workspace, else ask',
    exec: 'allow inside the bubblewrap sandbox (built-in tools), else ask',
    network: 'ask',
  },
};

const VERB: Record<Decision['type'], string> = { allow: 'allowed', ask: 'needs approval', deny: 'denied' };

function shortCommand(command: readonly string[]): string {
  const text = command.map((arg) => (/^[\w./:=@%+-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The message a user reads about a decision, e.g.
 * `run_command (curl -s example.org) denied by mode:read-only/exec: read-only mode allows no running commands ...`.
 */
export function explainDecision(
  decision: Decision,
  request?: Pick<PolicyRequest, 'tool' | 'command'>,
): string {
  const subject = request
    ? `${request.tool}${request.command?.length ? ` (${shortCommand(request.command)})` : ''} `
    : '';
  const verb =
    decision.type === 'ask' ? `${VERB.ask} (${decision.rule})` : `${VERB[decision.type]} by ${decision.rule}`;
  return `${subject}${verb}: ${decision.reason}`;
}

/**
 * The words a command runs, exactly, for a person approving it: never shortened; a word holding spaces, quotes or
 * anything else a reader could take two ways is shown as a JSON string (`echo "two  spaces"`).
 */
export function exactCommand(argv: readonly string[]): string {
  return argv.map(exactWord).join(' ');
}

function exactWord(word: string): string {
  return /^[\w./:=@%+,-]+$/.test(word) ? word : JSON.stringify(word);
}

/** What a step will do, exactly: `runs npm test (in .)`, `reads .env`, `writes docs/a.md`; '' when it declares nothing. */
export function describeStepAction(step: {
  readonly command?: readonly string[] | undefined;
  readonly paths?: readonly { readonly path: string; readonly access: 'read' | 'write' }[] | undefined;
}): string {
  const paths = step.paths ?? [];
  if (step.command && step.command.length > 0) {
    const where = paths.map((p) => exactWord(p.path)).join(', ');
    return `runs ${exactCommand(step.command)}${where ? ` (in ${where})` : ''}`;
  }
  const writes = paths.filter((p) => p.access === 'write').map((p) => exactWord(p.path));
  const reads = paths.filter((p) => p.access === 'read').map((p) => exactWord(p.path));
  return [writes.length ? `writes ${writes.join(', ')}` : '', reads.length ? `reads ${reads.join(', ')}` : '']
    .filter(Boolean)
    .join(', ');
}
