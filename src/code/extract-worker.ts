// Extraction worker (code intelligence): a worker thread of the extraction pool. It loads the built-in adapters it
// is given by id (tree-sitter initialises its WASM runtime here, once per worker), says it is ready, then extracts
// each batch it receives and sends the results back as JSON, in the batch's order, until it is told to stop.
import { parentPort, workerData } from 'node:worker_threads';
import { builtinAdapters, loadAdapter } from './adapters.js';
import {
  type Extracted,
  extractOne,
  type WorkerMessage,
  type WorkerReply,
  type WorkerStart,
} from './extract-pool.js';
import type { LanguageAdapter } from './model.js';

async function loadAdapters(ids: readonly string[]): Promise<Map<string, LanguageAdapter>> {
  const adapters = new Map<string, LanguageAdapter>();
  for (const id of ids) {
    const entry = builtinAdapters.find((candidate) => candidate.id === id);
    if (!entry) throw new Error(`no built-in language adapter has the id "${id}"`);
    adapters.set(id, await loadAdapter(entry));
  }
  return adapters;
}

async function serve(): Promise<void> {
  const port = parentPort;
  // Started as a plain script there is nobody to serve.
  if (!port) return;
  const reply = (message: WorkerReply): void => port.postMessage(message);
  let adapters: Map<string, LanguageAdapter>;
  try {
    adapters = await loadAdapters((workerData as WorkerStart).adapters);
  } catch (err) {
    reply({ type: 'failed', reason: (err as Error).message });
    return;
  }
  port.on('message', (message: WorkerMessage) => {
    // Closing the port leaves the thread nothing to wait for, so it ends by itself.
    if (message.type === 'stop') return port.close();
    const { batch, jobs } = message;
    const results: Extracted[] = [];
    for (const { adapter: id, ...file } of jobs) {
      const adapter = adapters.get(id);
      if (!adapter) return reply({ type: 'failed', reason: `adapter "${id}" was not loaded at start` });
      results.push(extractOne(adapter, file));
    }
    reply({ type: 'done', batch, results: JSON.stringify(results) });
  });
  reply({ type: 'ready' });
}

// Not awaited at the top level: a module still evaluating must never be what a terminated worker is doing.
void serve();
