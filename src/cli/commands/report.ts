// `office report <task>` ("Control Room" printout): one task as a self-contained HTML file, for CI artifacts.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { traceResultSchema } from '../../code/service.js';
import { EXIT, type ExitCode } from '../../errors.js';
import { pendingSteps } from '../../mcp/run-task.js';
import { taskReportHtml } from '../../report/task-report.js';
import { loadTools } from '../../tools/registry.js';
import { openWorkspace } from '../wiring.js';
import { note } from '../quiet.js';

export async function reportCommand(
  task: string,
  flags: { dir?: string; output?: string },
): Promise<ExitCode> {
  const ws = await openWorkspace(flags.dir);
  const doc = await ws.store.read(await ws.store.resolveId(task));
  // Plugins too, so a waiting step of a plugin tool shows what it would run; MCP servers are not started.
  const { registry } = await loadTools({ workspace: ws.root, plugins: ws.config.plugins });
  const pending = doc.status === 'needs_approval' ? pendingSteps(doc, registry) : [];
  const results =
    doc.result && typeof doc.result === 'object' ? [doc.result, ...Object.values(doc.result)] : [];
  const trace = results.map((r) => traceResultSchema.safeParse(r)).find((r) => r.success)?.data;
  const html = taskReportHtml(doc, pending, trace);
  if (flags.output) {
    await writeFile(resolve(flags.output), html);
    note(`office: wrote ${resolve(flags.output)}`);
  } else process.stdout.write(html);
  return EXIT.ok;
}
