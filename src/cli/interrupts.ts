// Interrupts (Receptionist): which signals mean "stop now, saving state". A person's Ctrl-C reaches office as
// SIGINT from the terminal; under the Node-20 launcher (bin/office.js) it reaches both processes, so the launcher
// forwards it as SIGUSR2 and office ignores SIGINT there: one Ctrl-C is one interrupt, whoever sent it.

/** Set by bin/office.js in the environment of the office it starts under a newer Node. */
export function underLauncher(env: NodeJS.ProcessEnv): boolean {
  return env.OFFICE_REEXEC === '1';
}

/** The signals that interrupt office: the first is the one a Ctrl-C arrives as. */
export function interruptSignals(env: NodeJS.ProcessEnv): readonly NodeJS.Signals[] {
  return underLauncher(env) ? ['SIGUSR2', 'SIGTERM'] : ['SIGINT', 'SIGTERM'];
}

/** At start: under the launcher, the terminal's SIGINT is ignored (its forwarded SIGUSR2 is the interrupt). */
export function ignoreTerminalInterruptUnderLauncher(): void {
  if (underLauncher(process.env)) process.on('SIGINT', () => {});
}

/** Calls `listener` on each interrupt until the returned function is called. */
export function onInterrupt(listener: () => void): () => void {
  const signals = interruptSignals(process.env);
  for (const signal of signals) process.on(signal, listener);
  return () => {
    for (const signal of signals) process.off(signal, listener);
  };
}

/** Interrupts this process as a Ctrl-C would (the terminal UI reads Ctrl-C as a key press in raw mode). */
export function raiseInterrupt(): void {
  process.kill(process.pid, interruptSignals(process.env)[0]);
}
