import { describe, expect, it } from 'vitest';
import { isSecretEnvName, redact, redactDeep, secretValuesFromEnv } from '../../src/util/redact.js';

// Fake credentials are assembled at run time so that this file holds nothing a secret scanner would flag.
const body = (n: number, alphabet = 'aB3dE5gH7jK9mN1pQ2sT4vW6yZ8') =>
  Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length]).join('');
const fake = {
  openai: `${'sk'}-${body(48)}`,
  openaiProject: `${'sk'}-proj-${body(60)}`,
  google: `${'AI'}za${body(35)}`,
  githubClassic: `${'gh'}p_${body(36)}`,
  githubOauth: `${'gh'}o_${body(36)}`,
  githubFine: `${'github'}_pat_${body(22)}_${body(59)}`,
  aws: `${'AK'}IA${body(16, 'ABCDEFGHIJKLMNOP2345')}`,
  slack: `${'xo'}xb-${body(12, '0123456789')}-${body(24)}`,
  jwt: `${'ey'}J${body(20)}.${'ey'}J${body(30)}.${body(43)}`,
  stripeLive: `${'sk'}_live_${body(24)}`,
  stripeRestricted: `${'rk'}_live_${body(24)}`,
  stripeTest: `${'sk'}_test_${body(24)}`,
};

describe('redact: credential forms', () => {
  const cases: [string, string, string][] = [
    ['OpenAI key', `OPENAI_KEY is ${fake.openai} here`, 'sk-aB3d…[redacted]'],
    ['OpenAI project key', `key ${fake.openaiProject}`, 'sk-proj-aB3d…[redacted]'],
    ['Google API key', `?key=${fake.google}&q=1`, 'AIzaaB3d…[redacted]'],
    ['GitHub classic token', `token: ${fake.githubClassic}`, 'ghp_aB3d…[redacted]'],
    ['GitHub OAuth token', fake.githubOauth, 'gho_aB3d…[redacted]'],
    ['GitHub fine-grained token', fake.githubFine, 'github_pat_aB3d…[redacted]'],
    ['AWS access key id', `aws_access_key_id = ${fake.aws}`, 'AKIAABCD…[redacted]'],
    ['Slack token', `SLACK=${fake.slack}`, 'xoxb-0123…[redacted]'],
    ['JWT', `cookie ${fake.jwt};`, 'eyJaB3d…[redacted]'],
    ['Stripe secret key', `Stripe.key = ${fake.stripeLive}`, 'sk_live_aB3d…[redacted]'],
    ['Stripe restricted key', `"${fake.stripeRestricted}"`, 'rk_live_aB3d…[redacted]'],
    ['Stripe test key', `key: ${fake.stripeTest}`, 'sk_test_aB3d…[redacted]'],
  ];
  it.each(cases)('%s is masked, keeping a short prefix', (_name, text, shown) => {
    const out = redact(text);
    expect(out).toContain(shown);
    for (const secret of Object.values(fake)) expect(out).not.toContain(secret);
  });

  it('a bearer token in a header is masked', () => {
    const out = redact('Authorization: Bearer abc123.def456-ghi789_jkl');
    expect(out).toBe('Authorization: Bearer [redacted]');
  });

  it('assignments of secret-named settings are masked, quoted or not', () => {
    expect(redact('api_key=abc123xyz9')).toBe('api_key=[redacted]');
    expect(redact('{"apiKey": "hunter2-but-longer"}')).toBe('{"apiKey": "[redacted]"}');
    expect(redact("password = 'correct horse'")).toBe("password = '[redacted]'");
    expect(redact('CLIENT_SECRET: s3cr3tValue99')).toBe('CLIENT_SECRET: [redacted]');
    expect(redact('curl "https://api.example.org/v1?access_token=abcd1234efgh"')).toContain(
      'access_token=[redacted]',
    );
  });

  it('.env-style assignments of secret names are masked whatever the value looks like', () => {
    const env = [
      'AWS_ACCESS_KEY_ID_NOTE=see wiki',
      `AWS_SECRET_ACCESS_KEY=${body(40, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN/+')}`,
      'DB_PASSWORD=hunter',
      'STRIPE_KEY=plainletters',
      'export GITHUB_TOKEN="two words"',
      "SESSION_SECRET='x'",
      'APP_NAME=shop',
      'EMPTY_TOKEN=',
    ].join('\n');
    expect(redact(env)).toBe(
      [
        'AWS_ACCESS_KEY_ID_NOTE=see wiki',
        'AWS_SECRET_ACCESS_KEY=[redacted]',
        'DB_PASSWORD=[redacted]',
        'STRIPE_KEY=[redacted]',
        'export GITHUB_TOKEN="[redacted]"',
        "SESSION_SECRET='[redacted]'",
        'APP_NAME=shop',
        'EMPTY_TOKEN=',
      ].join('\n'),
    );
    // The same file quoted inside JSON (a prompt, a task document): escaped line ends and quotes.
    expect(redact(JSON.stringify({ text: env }))).not.toMatch(/hunter|plainletters|two words|'x'/);
    expect(JSON.parse(redact(JSON.stringify({ text: env }))).text).toBe(redact(env));
    // A search hit quoting a .env line: path and line number first.
    expect(redact('config/.env:3:MAILER_PASSWORD=letmein')).toBe('config/.env:3:MAILER_PASSWORD=[redacted]');
  });

  it('an already-recognised key in an assignment keeps its telling prefix', () => {
    expect(redact(`OPENAI_API_KEY=${fake.openai}`)).toBe('OPENAI_API_KEY=sk-aB3d…[redacted]');
    expect(redact(`"apiKey": "${fake.google}"`)).toBe('"apiKey": "AIzaaB3d…[redacted]"');
  });

  it('a PEM private key block is masked whole, also when cut off', () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${body(64)}\n${body(64)}\n-----END RSA PRIVATE KEY-----`;
    const out = redact(`before\n${pem}\nafter`);
    expect(out).toBe('before\n-----BEGIN RSA PRIVATE KEY-----[redacted]-----END RSA PRIVATE KEY-----\nafter');
    const cut = redact(`-----BEGIN PRIVATE KEY-----\n${body(64)}\n${body(20)}`);
    expect(cut).not.toContain(body(20));
  });

  it('e-mail addresses are masked', () => {
    expect(redact('Author: Jane Doe <jane.doe+ci@example.co.uk>')).toBe(
      'Author: Jane Doe <[redacted email]>',
    );
  });

  it('exact secret values are masked wherever they appear', () => {
    const out = redact('connecting with pw=Tr0ub4dor&3 to db', { secrets: ['Tr0ub4dor&3'] });
    expect(out).toBe('connecting with pw=[redacted] to db');
  });
});

describe('redact: ordinary code is untouched', () => {
  const code = [
    "import { tokenize } from './lexer.js';",
    'export function checkout(cart: Cart, password: string): Receipt {',
    '  const tokens = tokenize(source);',
    '  const token = getToken();',
    '  const apiKey = config.apiKey ?? process.env.OPENAI_API_KEY;',
    '  if (password.length < 8) throw new Error("too short");',
    '  const maxTokens = 4096;',
    '  const GITHUB_TOKEN = readToken();',
    '  if (env.DB_PASSWORD===undefined) fail();',
    '  const sk = "sk-short";',
    '  // Basic configuration: see docs/setup.md',
    '  return chargeCard(cart.total, { currency: "EUR", retries: 3 });',
    '}',
    'const scoped = require("@scope/pkg");',
  ].join('\n');
  it('leaves identifiers, calls and short literals alone', () => {
    expect(redact(code)).toBe(code);
  });
});

describe('redactDeep', () => {
  it('masks strings inside objects and arrays without mutating the input', () => {
    const input = {
      task: 'deploy',
      args: ['--token', fake.githubClassic],
      nested: { contact: 'ops@example.com' },
    };
    const out = redactDeep(input);
    expect(out).toEqual({
      task: 'deploy',
      args: ['--token', 'ghp_aB3d…[redacted]'],
      nested: { contact: '[redacted email]' },
    });
    expect(input.args[1]).toBe(fake.githubClassic);
  });

  it('masks any string under a secret-named key, whatever it looks like', () => {
    const out = redactDeep({
      password: 'x',
      clientSecret: 'short',
      apiKey: 'abc',
      tokens_in: 120,
      token_count: '12',
    });
    expect(out).toEqual({
      password: '[redacted]',
      clientSecret: '[redacted]',
      apiKey: '[redacted]',
      tokens_in: 120,
      token_count: '12',
    });
  });

  it('copes with cycles and leaves non-plain values as they are', () => {
    const when = new Date(0);
    const cyclic: Record<string, unknown> = { when };
    cyclic.self = cyclic;
    const out = redactDeep(cyclic) as Record<string, unknown>;
    expect(out.self).toBe(out);
    expect(out.when).toBe(when);
  });
});

describe('secretValuesFromEnv', () => {
  it('returns the values of secret-named variables, not of others', () => {
    const values = secretValuesFromEnv({
      OPENAI_API_KEY: 'sk-test-value-1',
      GITHUB_TOKEN: 'gh-token-value',
      DB_PASSWORD: 'pa55word!',
      MY_SECRET_SALT: 'salty-salt',
      HOME: '/home/user',
      PATH: '/usr/bin',
      FEATURE_SECRET_ENABLED: '1',
    });
    expect(values.sort()).toEqual(['gh-token-value', 'pa55word!', 'salty-salt', 'sk-test-value-1']);
  });

  it('names: a KEY, TOKEN, PASS or CREDENTIALS word anywhere, *SECRET*, *PASSWORD* in any case', () => {
    const secret = ['OPENAI_API_KEY', 'npm_token', 'AWS_SECRET_ACCESS_KEY', 'PGPASSWORD', 'gpg_key'];
    secret.push(
      'OPENAI_API_KEY_2',
      'DB_PASS',
      'GOOGLE_APPLICATION_CREDENTIALS',
      'STRIPE_KEY_LIVE',
      'gh-token',
    );
    for (const name of secret) expect(isSecretEnvName(name), name).toBe(true);
    for (const name of [
      'HOME',
      'PATH',
      'KEYBOARD',
      'TOKENIZER_MODE',
      'LANG',
      'PWD',
      'OLDPWD',
      'PASSENGER_ENV',
    ])
      expect(isSecretEnvName(name), name).toBe(false);
  });
});

describe('redact on large input', () => {
  it('handles 1 MB of minified-looking code and base64 with secrets sprinkled in', () => {
    const line = `a.b-c_d.e-f=${'x-y_z.'.repeat(40)};${body(200, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789-_')}\n`;
    let text = '';
    while (text.length < 1_000_000) text += line;
    text += `key ${fake.openai} user@example.com\n`;
    const out = redact(text);
    expect(out).toContain('sk-aB3d…[redacted] [redacted email]');
    expect(out.length).toBeGreaterThan(1_000_000);
  });
});
