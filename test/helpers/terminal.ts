// Test helper: a real pseudo-terminal (a tmux server of its own), to run the office binary as a person would.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { officeEnv } from './clean-env.js';

export interface Terminal {
  /** Types text literally (no key names). */
  type(text: string): void;
  /** Presses a key by tmux name: `Enter`, `C-c`, `y`. */
  press(key: string): void;
  /** The visible screen as text; with `escapes`, with the escape sequences of its colours and attributes. */
  screen(options?: { escapes?: boolean }): string;
  kill(): void;
}

/** A tmux server of its own (unique socket), one detached session of `width`×`height` running `sh` in `cwd`. */
export function startTerminal(
  cwd: string,
  options: { env?: Record<string, string>; width?: number; height?: number } = {},
): Terminal {
  const socket = `office-e2e-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  // A person's terminal, in the tests' clean environment (no key or model host of the developer's) and with no CI
  // variables (a CI run of the tests sets CI=true), unless the test sets them.
  const env: NodeJS.ProcessEnv = { ...officeEnv(), PS1: '$ ' };
  for (const name of ['TMUX', 'CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR']) delete env[name];
  Object.assign(env, options.env);
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const size = [String(options.width ?? 80), String(options.height ?? 24)];
  tmux('new-session', '-d', '-s', 'e2e', '-x', size[0]!, '-y', size[1]!, '-c', cwd, 'sh');
  // tmux leaves its socket file behind when the server ends.
  const socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
  return {
    type: (text) => void tmux('send-keys', '-t', 'e2e', '-l', text),
    press: (key) => void tmux('send-keys', '-t', 'e2e', key),
    screen: (opts) => tmux('capture-pane', '-p', ...(opts?.escapes ? ['-e'] : []), '-t', 'e2e'),
    kill() {
      try {
        tmux('kill-session', '-t', 'e2e');
      } catch {
        // Already gone: the session ends with its shell.
      }
      try {
        tmux('kill-server');
      } catch {
        // No server left on this socket.
      }
      rmSync(socketPath, { force: true });
    },
  };
}

/** A word for `sh`, quoted. */
function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs `argv` with its stdin, stdout and stderr on a fresh pseudo-terminal (util-linux `script`), and returns every
 * byte it wrote there, escape sequences included (line ends as the terminal has them: \r\n). The environment is a
 * person's terminal: no CI variables, unless `env` sets them.
 */
export function runInPty(
  argv: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR', 'FORCE_HYPERLINK'])
    delete env[name];
  Object.assign(env, options.env);
  const child = spawn('script', ['-q', '-e', '-c', argv.map(shellWord).join(' '), '/dev/null'], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
