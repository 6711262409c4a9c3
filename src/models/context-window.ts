// Model Selector context sizing for Ollama: pick num_ctx from the prompt, and trim the prompt ourselves when it
// cannot fit (Ollama would otherwise drop the start of the prompt silently).

/** Characters per token used for sizing: a little pessimistic for code, so the window is rarely too small. */
export const CHARS_PER_TOKEN_FOR_CONTEXT = 3.5;
export const MIN_NUM_CTX = 2_048;
export const DEFAULT_MAX_NUM_CTX = 32_768;
/** Tokens kept free for the reply. */
export const OUTPUT_RESERVE_TOKENS = 1_024;

export interface ContextFit {
  readonly numCtx: number;
  readonly prompt: string;
  readonly trimmed: boolean;
  /** Characters cut from the middle of the prompt. */
  readonly trimmedChars: number;
}

export function estimateContextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN_FOR_CONTEXT);
}

/**
 * Chooses num_ctx (a power of two, at least 2048, at most `maxNumCtx`) for system + prompt + the reply
 * reserve. When even `maxNumCtx` is too small, keeps the system prompt, the start and (mostly) the end of the
 * prompt, and replaces the middle with a marker saying how much was cut.
 */
export function fitContext(input: {
  readonly system: string;
  readonly prompt: string;
  readonly maxNumCtx: number;
  readonly outputReserve?: number;
}): ContextFit {
  const reserve = input.outputReserve ?? OUTPUT_RESERVE_TOKENS;
  const needed = estimateContextTokens(input.system) + estimateContextTokens(input.prompt) + reserve;
  const max = Math.max(MIN_NUM_CTX, input.maxNumCtx);
  if (needed <= max) {
    return {
      numCtx: Math.min(max, powerOfTwoAtLeast(Math.max(MIN_NUM_CTX, needed))),
      prompt: input.prompt,
      trimmed: false,
      trimmedChars: 0,
    };
  }
  const promptTokens = max - reserve - estimateContextTokens(input.system);
  const keepChars = Math.max(0, Math.floor(promptTokens * CHARS_PER_TOKEN_FOR_CONTEXT) - 120);
  if (keepChars <= 0) {
    throw new Error(
      `the system prompt alone (${input.system.length} characters) does not fit num_ctx ${max}; raise models.providers.ollama.contextWindow for this model`,
    );
  }
  const head = Math.floor(keepChars / 3);
  const tail = keepChars - head;
  const cut = input.prompt.length - head - tail;
  const marker = `\n[… ${cut} characters cut here by office to fit the model's context window …]\n`;
  const prompt = input.prompt.slice(0, head) + marker + input.prompt.slice(input.prompt.length - tail);
  return { numCtx: max, prompt, trimmed: true, trimmedChars: cut };
}

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
