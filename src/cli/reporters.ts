// Reporters ("Control Room" for people and machines): plain lines on stderr, or one JSON line per event on stdout.
import chalk from 'chalk';
import type { LoopEvent } from '../office/events.js';
import type { Reporter } from '../office/ports.js';
import { secretValues } from '../config/secrets.js';
import { clip } from '../util/clip.js';
import { redact } from '../util/redact.js';

/** Masks secrets in a line; the values are those office read at start-up. */
function masked(line: string): string {
  return redact(line, { secrets: secretValues() });
}

/** The request is echoed by its start: a pasted 100 KB request is in the task document, not worth a screenful. */
const REQUEST_SHOWN = 200;
/** Each line of a final message is shown up to this long (a message may quote a request or a pattern). */
const LINE_SHOWN = 300;

function clipLines(text: string): string {
  return text
    .split('\n')
    .map((line) => clip(line, LINE_SHOWN))
    .join('\n');
}

function ms(n: number): string {
  return n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;
}

/** One plain line per meaningful event, on stderr (stdout stays for results). */
export function plainReporter(
  write: (line: string) => void = (l) => process.stderr.write(`${masked(l)}\n`),
): Reporter {
  return {
    emit(e: LoopEvent) {
      switch (e.type) {
        case 'task_started':
          write(
            chalk.bold(
              `office: ${e.resumed ? 'resuming' : 'task'} ${e.task_id} — ${JSON.stringify(clip(e.request, REQUEST_SHOWN))}`,
            ),
          );
          break;
        case 'decomposed':
          write(`  decomposed (${e.by}): ${e.subtasks.map((s) => s.id).join(', ')}`);
          break;
        case 'subtask_planned':
          write(
            `  ${e.subtask_id}: plan ${e.plan_id} by ${e.by}, ${e.steps.length} step${e.steps.length === 1 ? '' : 's'} (${e.steps.map((s) => s.action).join(' → ')})`,
          );
          break;
        case 'plan_validated':
          if (!e.ok)
            write(
              chalk.yellow(
                `  ${e.subtask_id}: plan ${e.plan_id} rejected: ${e.issues.map((i) => i.message).join('; ')}`,
              ),
            );
          break;
        case 'step_approval':
          if (e.decision !== 'allow' || e.risk !== 'read') {
            const colour =
              e.decision === 'allow' ? chalk.green : e.decision === 'deny' ? chalk.red : chalk.yellow;
            write(colour(`  ${e.step_id}: ${e.tool} (${e.risk}) ${e.decision} — ${e.by}: ${e.reason}`));
          }
          break;
        case 'step_started':
          if (e.attempt > 1) write(`  ${e.step_id}: ${e.action} attempt ${e.attempt}`);
          break;
        case 'step_retry':
          write(chalk.yellow(`  ${e.step_id}: ${e.error}; retrying in ${ms(e.delay_ms)}`));
          break;
        case 'step_finished':
          if (e.status === 'failed')
            write(chalk.red(`  ${e.step_id}: ${e.action} failed after ${ms(e.duration_ms)}: ${e.error}`));
          else
            write(
              `  ${e.step_id}: ${e.action} ${e.status === 'reused' ? 'reused' : `ok in ${ms(e.duration_ms)}`}${e.summary ? ` — ${e.summary}` : ''}`,
            );
          break;
        case 'review':
          write(
            `  ${e.subtask_id}: review ${e.verdict === 'APPROVE' ? chalk.green(e.verdict) : chalk.yellow(e.verdict)} (${e.by}): ${e.summary}`,
          );
          break;
        case 'fallback':
          write(chalk.dim(`  ${e.role}: ${e.reason}`));
          break;
        case 'progress':
          write(chalk.dim(`  ${e.step_id}: ${e.message}`));
          break;
        case 'task_finished': {
          const colour =
            e.status === 'succeeded'
              ? chalk.green
              : e.status === 'needs_approval' || e.status === 'escalated'
                ? chalk.yellow
                : chalk.red;
          write(
            colour(
              `office: ${e.status} in ${ms(e.duration_ms)}${e.message ? ` — ${clipLines(e.message)}` : ''}`,
            ),
          );
          break;
        }
        default:
          break;
      }
    },
  };
}

/** `--output stream-json`: every event as one JSON line on stdout. */
export function streamJsonReporter(
  write: (line: string) => void = (l) => process.stdout.write(`${masked(l)}\n`),
): Reporter {
  return { emit: (e) => write(JSON.stringify({ at: new Date().toISOString(), ...e })) };
}

export const silentReporter: Reporter = { emit() {} };
