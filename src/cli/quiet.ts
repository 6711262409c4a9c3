// What office says on stderr besides its answer (Receptionist): progress, hints and notes for a person, all left
// out with -q/--quiet so that only the answer (stdout), warnings and errors remain — e.g. for an editor that reads
// both streams of `office -q trace A B --format vimgrep`.
let quiet = false;

/** Set once by the CLI from -q/--quiet, before a command runs. */
export function setQuiet(value: boolean): void {
  quiet = value;
}

export function isQuiet(): boolean {
  return quiet;
}

/** A line for a person on stderr (progress, a hint, what was skipped); nothing with -q. */
export function note(line: string): void {
  if (!quiet) process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
}
