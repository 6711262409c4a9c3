// The shared plan contract (/work/shared/contracts/plan.schema.json, or ../shared/ beside a clone) compiled with ajv.
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from '../helpers/workspace.js';

/** ajv-formats is CommonJS; its default export is the plugin under either interop. */
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

export function contractPath(): string {
  const candidates = [
    `${REPO_ROOT}../shared/contracts/plan.schema.json`,
    '/work/shared/contracts/plan.schema.json',
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`plan contract not found at ${candidates.join(' or ')}`);
  return found;
}

/** An ajv validator for the plan contract, with formats (date-time) checked. */
export function contractValidator() {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(contractPath(), 'utf8')));
}
