// Process-mode watchdog ("Workshop"): a small separate process that runs one sandboxed command in a session of its
// own and makes sure nothing it started outlives it — when the command ends, when office asks (timeout, Ctrl-C),
// and when office itself dies, even by SIGKILL (its end of our stdin closes). Started by sandbox-process.ts.
//
// Protocol. stdin: one JSON line `{ argv, cwd, env }`, then `{ "kill": reason }` lines; EOF means office is gone.
// fd 3: JSON lines `{ "started": pid }`, `{ "error": code, "message" }`, `{ "exit": code, "signal": name }`,
// `{ "done": swept }`. The command writes straight into this process's stdout and stderr (office's pipes).
//
// Self-contained on purpose (node: built-ins only): it runs from dist as .js, and from the sources as .ts.
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';

interface Spec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

/** After SIGTERM, SIGKILL follows this much later. */
const KILL_GRACE_MS = 2_000;
/** How often the process tree is looked at while the command runs (to remember what it started). */
const WATCH_INTERVAL_MS = 250;
const SWEEP_ROUNDS = 20;

const report = createWriteStream('', { fd: 3 });
const send = (message: object): void => {
  report.write(`${JSON.stringify(message)}\n`);
};

/** `pid`, `ppid`, `pgrp`, `session`, `starttime` of a process (fields 1, 4, 5, 6, 22 of /proc/<pid>/stat). */
interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  start: string;
}

function statOf(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    return {
      pid,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      session: Number(fields[3]),
      start: fields[19] ?? '',
    };
  } catch {
    return undefined;
  }
}

function allProcesses(): ProcStat[] {
  const found: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(Number(name));
    if (stat) found.push(stat);
  }
  return found;
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
  } catch {
    return false;
  }
}

/** Processes this run is responsible for, keyed by pid, with their start time (a reused pid is not ours). */
const known = new Map<number, string>();

/**
 * What the command started: descendants of this watchdog, members of the command's session and process group
 * (children that left the group stay in the session), and anything that carries this run's marker in its
 * environment (children that called setsid() and were re-parented). With `withMarker`, /proc/<pid>/environ of
 * every process is read too, which costs more: done when killing, not while watching.
 */
function members(commandPid: number | undefined, marker: string, withMarker: boolean): ProcStat[] {
  const all = allProcesses();
  const byParent = new Map<number, ProcStat[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const mine = new Map<number, ProcStat>();
  const visit = (pid: number) => {
    for (const child of byParent.get(pid) ?? []) {
      if (mine.has(child.pid)) continue;
      mine.set(child.pid, child);
      visit(child.pid);
    }
  };
  visit(process.pid);
  for (const p of all) {
    if (p.pid === process.pid) continue;
    const inSession = commandPid !== undefined && (p.session === commandPid || p.pgrp === commandPid);
    const remembered = known.get(p.pid) === p.start;
    if (inSession || remembered || (withMarker && hasMarker(p.pid, marker))) mine.set(p.pid, p);
  }
  for (const p of [...mine.values()]) visit(p.pid);
  for (const p of mine.values()) known.set(p.pid, p.start);
  return [...mine.values()];
}

function signalAll(targets: readonly ProcStat[], signal: NodeJS.Signals): void {
  for (const p of targets) {
    try {
      process.kill(p.pid, signal);
    } catch {
      // Gone already.
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops everything the command started: SIGTERM (when `gently`), then SIGKILL until nothing is left. */
async function sweep(commandPid: number | undefined, marker: string, gently: boolean): Promise<number> {
  const seen = new Set<number>();
  if (gently) {
    const first = members(commandPid, marker, true);
    for (const p of first) seen.add(p.pid);
    signalAll(first, 'SIGTERM');
    const until = Date.now() + KILL_GRACE_MS;
    while (Date.now() < until && members(commandPid, marker, false).length > 0) await sleep(50);
  }
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    const left = members(commandPid, marker, true);
    if (left.length === 0) break;
    for (const p of left) seen.add(p.pid);
    signalAll(left, 'SIGKILL');
    await sleep(20);
  }
  return seen.size;
}

async function main(): Promise<void> {
  // Office stops this process through its stdin, never by a signal meant for the terminal's process group.
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const) process.on(signal, () => {});
  process.stdin.setEncoding('utf8');
  let buffered = '';
  let spec: Spec | undefined;
  let commandPid: number | undefined;
  let exited = false;
  let finishing: Promise<void> | undefined;
  const marker = `OFFICE_SANDBOX_RUN=${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  const finish = (gently: boolean) => {
    finishing ??= (async () => {
      const swept = await sweep(commandPid, marker, gently);
      send({ done: swept });
      report.end(() => process.exit(0));
    })();
    return finishing;
  };
  process.on('SIGTERM', () => void finish(true));
  process.on('SIGHUP', () => void finish(true));

  const start = (s: Spec) => {
    const [file, ...args] = s.argv;
    const child = spawn(file ?? '', args, {
      cwd: s.cwd,
      env: { ...s.env, [marker.split('=')[0] ?? '']: marker.slice(marker.indexOf('=') + 1) },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      send({ error: err.code ?? 'unknown', message: err.message });
      void finish(false);
    });
    child.once('spawn', () => {
      commandPid = child.pid;
      send({ started: child.pid });
      const watch = setInterval(() => members(commandPid, marker, false), WATCH_INTERVAL_MS);
      watch.unref();
    });
    child.once('exit', (code, signal) => {
      exited = true;
      send({ exit: code, signal });
      // Whatever the command left running goes with it.
      void finish(false);
    });
  };

  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const message = JSON.parse(line) as Partial<Spec> & { kill?: string };
      if (!spec && Array.isArray(message.argv)) {
        spec = message as Spec;
        start(spec);
      } else if (message.kill !== undefined) {
        void finish(!exited);
      }
    }
  });
  // Office is gone (exited, or killed with SIGKILL): nothing may keep running on its behalf.
  process.stdin.on('end', () => void finish(!exited));
}

void main();
