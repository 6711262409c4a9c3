#!/usr/bin/env node
// office's entry point. Kept tiny: it checks the Node version, then loads the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  // The project installs its own Node (the `node` dev dependency); use it when this one is too old.
  const bundled = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (existsSync(bundled) && process.env.OFFICE_REEXEC !== '1') {
    // The child's environment is copied first: blanking the block below blanks what process.env reads too.
    const env = { ...process.env, OFFICE_REEXEC: '1' };
    // This process stays alive as the parent of office: blank the keys in its /proc environ, which a command
    // run by office could otherwise read. The child gets them and takes them out of its own at start.
    const block = await import('../dist/src/util/environ-block.js').catch(() => undefined);
    block?.scrubEnvironBlock(block.secretEnvNames(env));
    const child = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env,
    });
    process.exit(child.status ?? (child.signal === 'SIGINT' ? 130 : 1));
  }
  process.stderr.write(
    `office needs Node 22.12 or newer; this is Node ${process.versions.node}.\n` +
      'Install a newer Node, or run office through npm (`npm run office -- <command>`), which uses the Node the project installs.\n',
  );
  process.exit(2);
}

// V8's compiled code of every module loaded from here on is kept on disk (in the OS temp dir, keyed by Node
// version and file content): loading the TypeScript checker takes ~150 ms instead of ~300 ms after the first run.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=<dir> moves it.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv);
