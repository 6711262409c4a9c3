// Vitest setup, run in every test process before its test file: no provider variable from the developer's shell.
import { scrubProcessEnv } from '../helpers/clean-env.js';

scrubProcessEnv();
