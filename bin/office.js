#!/usr/bin/env node
// office's entry point. Kept tiny: it checks the Node version, then loads the CLI.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const tooOld = major < 22 || (major === 22 && minor < 12);
// The project installs its own Node (the `node` dev dependency); use it when this one is too old.
const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));

if (tooOld && existsSync(bundled) && process.env.OFFICE_REEXEC !== '1') {
  // The child's environment is copied first: blanking the block below blanks what process.env reads too.
  const env = { ...process.env, OFFICE_REEXEC: '1' };
  // This process stays alive as the parent of office: blank the keys in its /proc environ, which a command
  // run by office could otherwise read. The child gets them and takes them out of its own at start.
  const block = await import('../dist/src/util/environ-block.js').catch(() => undefined);
  block?.scrubEnvironBlock(block.secretEnvNames(env));
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env,
  });
  // Signals go to office and this launcher waits for it, so that office saves its state and no orphan keeps
  // drawing on the terminal. A Ctrl-C reaches both processes from the terminal: office ignores SIGINT under the
  // launcher and takes the SIGUSR2 sent here as the interrupt, so one Ctrl-C (or one `kill -INT`) is one interrupt.
  const forwarded = { SIGINT: 'SIGUSR2', SIGTERM: 'SIGTERM', SIGHUP: 'SIGHUP', SIGQUIT: 'SIGQUIT' };
  for (const [received, sent] of Object.entries(forwarded)) {
    process.on(received, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sent);
    });
  }
  child.on('error', (err) => {
    process.stderr.write(`office: could not start ${bundled}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    // Ended by the interrupt it did not catch (SIGUSR2 stands for Ctrl-C): 130, as for SIGINT.
    if (signal === 'SIGUSR2' || signal === 'SIGINT') process.exit(130);
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
} else if (tooOld) {
  process.stderr.write(
    `office needs Node 22.12 or newer; this is Node ${process.versions.node}.\n` +
      'Install a newer Node, or run office through npm (`npm run office -- <command>`), which uses the Node the project installs.\n',
  );
  process.exit(2);
} else {
  // V8's compiled code of every module loaded from here on is kept on disk (in the OS temp dir, keyed by Node
  // version and file content): loading the TypeScript checker takes ~150 ms instead of ~300 ms after the first run.
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=<dir> moves it.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();

  const { main } = await import('../dist/src/cli/main.js');
  process.exitCode = await main(process.argv);
}
