// Redaction ("IT Security"): masks credentials and e-mail addresses in text and JSON values before they are stored.

const MASK = '[redacted]';
/** Characters of a recognised key kept after its type prefix, so a user can tell which key leaked. */
const KEEP = 4;

interface KeyPattern {
  readonly pattern: RegExp;
  /** Length of the part shown in full (the type prefix), before KEEP more characters. */
  readonly prefix: (match: string) => number;
}

const fixedPrefix =
  (length: number) =>
  (_: string): number =>
    length;

/** Credentials whose shape gives them away wherever they appear. */
const KEY_PATTERNS: readonly KeyPattern[] = [
  // OpenAI: sk-..., sk-proj-..., sk-svcacct-..., sk-admin-...
  {
    pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    prefix: (m) => /^sk-(proj|svcacct|admin)-/.exec(m)?.[0].length ?? 3,
  },
  // Google API keys
  { pattern: /\bAIza[0-9A-Za-z_-]{35}/g, prefix: fixedPrefix(4) },
  // GitHub tokens (classic and fine-grained)
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}/g, prefix: fixedPrefix(4) },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/g, prefix: fixedPrefix(11) },
  // AWS access key ids
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, prefix: fixedPrefix(4) },
  // Slack tokens
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, prefix: fixedPrefix(5) },
  // Stripe secret and restricted keys, live and test, and webhook signing secrets
  {
    pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/g,
    prefix: (m) => m.indexOf('_', 3) + 1,
  },
  { pattern: /\bwhsec_[A-Za-z0-9]{20,}/g, prefix: fixedPrefix(6) },
  // JSON Web Tokens: header.payload.signature, the first two base64url JSON objects
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, prefix: fixedPrefix(3) },
];

// An unterminated block (cut-off output) is masked to the end of the text.
const PEM_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
// A credential after an auth scheme has a digit; English ("Basic configuration") does not get masked.
const BEARER = /\b(Bearer|Basic)[ \t]+(?=[A-Za-z0-9._~+/-]*[0-9])([A-Za-z0-9._~+/-]{8,}=*)/gi;
// Bounded repetitions keep every pattern linear on long runs of word characters (minified code, base64).
const EMAIL = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g;

/** Names of settings that hold a secret: api_key, apiKey, client_secret, password, auth_token, ... */
const SECRET_NAME =
  '[A-Za-z0-9_.-]{0,40}(?:api[_-]?key|secret|token|passw(?:or)?d|private[_-]?key|access[_-]?key)[A-Za-z0-9_.-]{0,40}';
/**
 * `name = "value"`, `"name": "value"`, `name: 'value'`, and unquoted `name=value` / `NAME: value` where the
 * value looks like a credential (8+ token characters with a letter and a digit, not a call like `getToken()`).
 */
const ASSIGNMENT = new RegExp(
  String.raw`(\b${SECRET_NAME}["']?\s*[:=]\s*)(?:"([^"\n]+)"|'([^'\n]+)'|(?=[A-Za-z0-9_\-+/=~.]*[0-9])(?=[A-Za-z0-9_\-+/=~.]*[A-Za-z])([A-Za-z0-9_\-+/=~.]{8,})(?![A-Za-z0-9_\-+/=~.(…]))`,
  'gi',
);

/**
 * `.env`-style assignments (`NAME=value`, `export NAME=value`, also inside a line such as `config/.env:3:NAME=…`)
 * of upper-case names that mark a secret — `*_KEY`, `*_TOKEN`, `*SECRET*`, `*PASSWORD*`, `*PASSWD*` — whatever
 * the value looks like: `DB_PASSWORD=hunter` has no digit, and `AWS_SECRET_ACCESS_KEY` values have any shape.
 * Also inside JSON-encoded text, where the line before ends in `\n` and quotes are `\"`.
 */
const ENV_ASSIGNMENT =
  /(?<=^|[^A-Za-z0-9_]|\\[nrt])((?:[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET)[A-Z0-9_]*|[A-Z0-9_]*_(?:KEY|TOKEN))=)(?!=)(?:\\"(.*?)\\"|"([^"\n]*)"|'([^'\n]*)'|((?:[^\s'"\\]|\\(?![nrt"]))+))/g;
const ENV_NAME_WORD = /PASSWORD|PASSWD|SECRET|_KEY=|_TOKEN=/g;

const SECRET_WORD = /api[_-]?key|secret|token|passw(?:or)?d|private[_-]?key|access[_-]?key/gi;
const AT_SIGN = /@/g;

/**
 * Applies `pattern` only to the lines where `probe` occurs. Assignments and e-mail addresses never span lines,
 * so the result is the same as on the whole text, and text without the probe word is not scanned word by word.
 */
function replaceOnLinesWith(
  text: string,
  probe: RegExp,
  pattern: RegExp,
  replacer: (match: string, ...groups: string[]) => string,
): string {
  let out = '';
  let done = 0;
  probe.lastIndex = 0;
  for (let hit = probe.exec(text); hit !== null; hit = probe.exec(text)) {
    const start = text.lastIndexOf('\n', hit.index) + 1;
    const newline = text.indexOf('\n', hit.index);
    const end = newline === -1 ? text.length : newline;
    out += text.slice(done, start) + text.slice(start, end).replace(pattern, replacer);
    done = end;
    probe.lastIndex = end;
  }
  return done === 0 ? text : out + text.slice(done);
}

function maskKey(key: string, prefixLength: number): string {
  return `${key.slice(0, prefixLength + KEEP)}…${MASK}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface RedactOptions {
  /** Exact secret values to mask wherever they appear (see secretValuesFromEnv). */
  readonly secrets?: readonly string[];
}

/** Masks API keys, tokens, credential assignments, private key blocks and e-mail addresses in `text`. */
export function redact(text: string, options: RedactOptions = {}): string {
  let out = text;
  const secrets = [...new Set(options.secrets ?? [])].filter((s) => s.length > 0);
  if (secrets.length > 0) {
    secrets.sort((a, b) => b.length - a.length);
    out = out.replace(new RegExp(secrets.map(escapeRegExp).join('|'), 'g'), MASK);
  }
  if (out.includes('PRIVATE KEY-----')) {
    out = out.replace(
      PEM_BLOCK,
      (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----${MASK}-----END ${kind}PRIVATE KEY-----`,
    );
  }
  for (const { pattern, prefix } of KEY_PATTERNS) {
    out = out.replace(pattern, (match) => maskKey(match, prefix(match)));
  }
  out = out.replace(BEARER, (_m, scheme: string, token: string) =>
    token.includes(MASK) ? `${scheme} ${token}` : `${scheme} ${MASK}`,
  );
  out = replaceOnLinesWith(
    out,
    SECRET_WORD,
    ASSIGNMENT,
    (match, lead: string, dq?: string, sq?: string, bare?: string) => {
      const value = dq ?? sq ?? bare ?? '';
      if (value.includes(MASK)) return match;
      if (dq !== undefined) return `${lead}"${MASK}"`;
      if (sq !== undefined) return `${lead}'${MASK}'`;
      return `${lead}${MASK}`;
    },
  );
  out = replaceOnLinesWith(
    out,
    ENV_NAME_WORD,
    ENV_ASSIGNMENT,
    (match, lead: string, escaped?: string, dq?: string, sq?: string, bare?: string) => {
      const value = escaped ?? dq ?? sq ?? bare ?? '';
      if (value === '' || value.includes(MASK)) return match;
      // Inside JSON text (a prompt quoting a file), quotes and line ends arrive escaped.
      if (escaped !== undefined) return `${lead}\\"${MASK}\\"`;
      if (dq !== undefined) return `${lead}"${MASK}"`;
      if (sq !== undefined) return `${lead}'${MASK}'`;
      return `${lead}${MASK}`;
    },
  );
  out = replaceOnLinesWith(out, AT_SIGN, EMAIL, () => '[redacted email]');
  return out;
}

const SECRET_KEY_SUFFIXES = [
  'apikey',
  'secret',
  'secretkey',
  'token',
  'password',
  'passwd',
  'privatekey',
  'accesskey',
  'authorization',
  'cookie',
];

/** True for object keys whose string value is a secret whatever it looks like (`apiKey`, `client_secret`, ...). */
export function isSecretKeyName(key: string): boolean {
  const flat = key.toLowerCase().replace(/[_.-]/g, '');
  return SECRET_KEY_SUFFIXES.some((suffix) => flat.endsWith(suffix));
}

/** Redacts every string inside a JSON-like value (objects and arrays are copied; nothing is mutated). */
export function redactDeep<T>(value: T, options: RedactOptions = {}): T {
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      return key !== undefined && isSecretKeyName(key) && v.length > 0 ? MASK : redact(v, options);
    }
    if (v === null || typeof v !== 'object') return v;
    const cached = seen.get(v);
    if (cached !== undefined) return cached;
    if (Array.isArray(v)) {
      const copy: unknown[] = [];
      seen.set(v, copy);
      for (const item of v) copy.push(walk(item));
      return copy;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    const copy: Record<string, unknown> = {};
    seen.set(v, copy);
    for (const [k, item] of Object.entries(v)) copy[k] = walk(item, k);
    return copy;
  };
  return walk(value) as T;
}

/** Words of a name (split at `_`, `-`, `.`) that mark it as holding a secret wherever they stand. */
const SECRET_WORDS = new Set([
  'KEY',
  'KEYS',
  'TOKEN',
  'TOKENS',
  'PASS',
  'CREDENTIAL',
  'CREDENTIALS',
  'APIKEY',
]);
/** Names that contain such a word but are not secrets (the shell's working directories). */
const NOT_SECRET = new Set(['PWD', 'OLDPWD']);

/**
 * Environment variable names that hold secrets, in any case: `*SECRET*`, `*PASSWORD*`, `*PASSWD*`, and any with a
 * word KEY, TOKEN, PASS or CREDENTIALS in it (`OPENAI_API_KEY`, `OPENAI_API_KEY_2`, `DB_PASS`,
 * `GOOGLE_APPLICATION_CREDENTIALS`), but not `KEYBOARD` or `TOKENIZER_MODE`.
 */
export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  if (NOT_SECRET.has(upper)) return false;
  if (/SECRET|PASSWORD|PASSWD/.test(upper)) return true;
  return upper.split(/[_.-]+/).some((word) => SECRET_WORDS.has(word));
}

/**
 * The values of secret-named environment variables, to mask verbatim wherever they appear. Values shorter
 * than 6 characters are left out: masking every "true" or "1" would make output unreadable and hides nothing.
 */
export function secretValuesFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.length >= 6 && isSecretEnvName(name)) values.add(value);
  }
  return [...values];
}
