// Code store (code intelligence, "Archives"): one SQLite database per indexed directory (node:sqlite, built into
// Node 24) holding what an index of the tree needs again: each file's size, mtime and content hash (so that an
// unchanged file is not even read), each file's facts keyed by content hash, and per language adapter the linked
// symbols and call edges, indexed by id, name, file and both edge ends, so that a warm query reads only the rows
// it touches. Writes are transactions in WAL mode: a crash mid-write leaves the last committed index, and readers
// never wait for a writer.
import { rmSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { CallEdge, CodeSymbol, EdgeKind, RefineScope, SymbolKind } from './model.js';

/** Bump when the tables change: a store of another format is emptied and rebuilt. */
const STORE_FORMAT = 2;
/** How long a writer waits for another process's write to finish before giving up on writing (reads never wait). */
const BUSY_TIMEOUT_MS = 60_000;

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime REAL NOT NULL, hash TEXT NOT NULL,
  minified INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE facts (path TEXT PRIMARY KEY, adapter TEXT NOT NULL, version TEXT NOT NULL, hash TEXT NOT NULL,
  data TEXT NOT NULL);
CREATE TABLE parts (adapter TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, refinable INTEGER NOT NULL,
  scope TEXT, problems TEXT NOT NULL, symbols INTEGER NOT NULL, edges INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE symbols (adapter TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, qualified_name TEXT NOT NULL,
  kind TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL,
  language TEXT NOT NULL);
CREATE INDEX symbols_id ON symbols (id);
CREATE INDEX symbols_name ON symbols (name);
CREATE INDEX symbols_file ON symbols (file);
CREATE INDEX symbols_adapter ON symbols (adapter);
CREATE TABLE edges (adapter TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, kind TEXT NOT NULL,
  file TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL, text TEXT NOT NULL, note TEXT);
CREATE INDEX edges_src ON edges (src);
CREATE INDEX edges_dst ON edges (dst);
CREATE INDEX edges_adapter ON edges (adapter);
CREATE TABLE refinements (adapter TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
`;

/** What the store knows of a file from the last index: enough to skip reading it while size and mtime hold. */
export interface StoredFile {
  readonly size: number;
  /** -1 when the file had changed too recently to trust its mtime (the next index reads it again). */
  readonly mtime: number;
  readonly hash: string;
  readonly minified: boolean;
}

/** One file's facts as an adapter of some version extracted them from content of some hash. */
export interface StoredFacts {
  readonly adapter: string;
  readonly version: string;
  readonly hash: string;
  readonly facts: unknown;
}

/** One adapter's linked graph, as `link` made it for the files of `fingerprint`. */
export interface StoredPart {
  readonly adapter: string;
  readonly fingerprint: string;
  readonly refinable: boolean;
  /** The adapter's refine scope, when it declared one. */
  readonly refineScope?: RefineScope;
  readonly problems: readonly string[];
  readonly symbols: number;
  readonly edges: number;
}

/** Everything one index writes, in one transaction. */
export interface StoreWrite {
  /** Files whose stat row is new or changed; `gone` rows are deleted. */
  readonly files?: ReadonlyMap<string, StoredFile>;
  readonly goneFiles?: readonly string[];
  readonly facts?: ReadonlyMap<string, StoredFacts>;
  readonly goneFacts?: readonly string[];
  /** Parts linked again: their old symbols and edges are replaced. */
  readonly parts?: ReadonlyArray<{
    readonly part: Omit<StoredPart, 'symbols' | 'edges'>;
    readonly symbols: readonly CodeSymbol[];
    readonly edges: readonly CallEdge[];
  }>;
  /** The languages the tree has, when known: parts of any other are removed. */
  readonly adapters?: readonly string[];
}

interface SymbolRow {
  adapter: string;
  id: string;
  name: string;
  qualified_name: string;
  kind: string;
  file: string;
  line: number;
  col: number;
  end_line: number;
  language: string;
}

interface EdgeRow {
  adapter: string;
  src: string;
  dst: string;
  kind: string;
  file: string;
  line: number;
  col: number;
  text: string;
  note: string | null;
}

const SYMBOL_COLUMNS = 'id, name, qualified_name, kind, file, line, col, end_line, language';
const EDGE_COLUMNS = 'src, dst, kind, file, line, col, text, note';

export class CodeStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
  }

  /**
   * Opens (creating when absent) the store at `path` for the tree at `root`. A file that is no database of this
   * format and root is emptied and rebuilt, and `problem` says so; a store that cannot be opened at all is none.
   */
  static open(path: string, root: string): { store?: CodeStore; problem?: string } {
    try {
      return { store: CodeStore.#openChecked(path, root) };
    } catch (err) {
      const reason = (err as Error).message;
      // Not a database (a torn copy, another program's file): start over rather than fail every query.
      if (/not a database|malformed|corrupt/i.test(reason)) {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
        try {
          return {
            store: CodeStore.#openChecked(path, root),
            problem: `${path} was not a usable code store (${reason}); rebuilt it`,
          };
        } catch (again) {
          return { problem: `could not open the code store ${path} (${(again as Error).message})` };
        }
      }
      return { problem: `could not open the code store ${path} (${reason})` };
    }
  }

  static #openChecked(path: string, root: string): CodeStore {
    const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
    try {
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
      const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
      const storedRoot =
        version === STORE_FORMAT
          ? (db.prepare("SELECT value FROM meta WHERE key = 'root'").get() as { value: string } | undefined)
          : undefined;
      if (version !== STORE_FORMAT || storedRoot?.value !== root) {
        db.exec('BEGIN IMMEDIATE');
        try {
          const tables = db
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .all() as { name: string }[];
          for (const { name } of tables) db.exec(`DROP TABLE "${name.replaceAll('"', '""')}"`);
          db.exec(SCHEMA);
          db.prepare("INSERT INTO meta (key, value) VALUES ('root', ?)").run(root);
          db.exec(`PRAGMA user_version = ${STORE_FORMAT}`);
          db.exec('COMMIT');
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
      }
      return new CodeStore(path, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Every file's stat row from the last index. */
  files(): Map<string, StoredFile> {
    const rows = this.#statement('SELECT path, size, mtime, hash, minified FROM files').all() as unknown as {
      path: string;
      size: number;
      mtime: number;
      hash: string;
      minified: number;
    }[];
    return new Map(
      rows.map((row) => [
        row.path,
        { size: row.size, mtime: row.mtime, hash: row.hash, minified: row.minified === 1 },
      ]),
    );
  }

  /** Which adapter version and content hash each file's stored facts are for (without the facts). */
  factKeys(): Map<string, Omit<StoredFacts, 'facts'>> {
    const rows = this.#statement('SELECT path, adapter, version, hash FROM facts').all() as unknown as ({
      path: string;
    } & Omit<StoredFacts, 'facts'>)[];
    return new Map(
      rows.map((row) => [row.path, { adapter: row.adapter, version: row.version, hash: row.hash }]),
    );
  }

  facts(path: string): StoredFacts | undefined {
    const row = this.#statement('SELECT adapter, version, hash, data FROM facts WHERE path = ?').get(path) as
      | { adapter: string; version: string; hash: string; data: string }
      | undefined;
    if (!row) return undefined;
    return { adapter: row.adapter, version: row.version, hash: row.hash, facts: JSON.parse(row.data) };
  }

  part(adapter: string): StoredPart | undefined {
    const row = this.#statement(
      'SELECT adapter, fingerprint, refinable, scope, problems, symbols, edges FROM parts WHERE adapter = ?',
    ).get(adapter) as
      | {
          adapter: string;
          fingerprint: string;
          refinable: number;
          scope: string | null;
          problems: string;
          symbols: number;
          edges: number;
        }
      | undefined;
    if (!row) return undefined;
    return {
      adapter: row.adapter,
      fingerprint: row.fingerprint,
      refinable: row.refinable === 1,
      ...(row.scope !== null ? { refineScope: JSON.parse(row.scope) as RefineScope } : {}),
      problems: JSON.parse(row.problems) as string[],
      symbols: row.symbols,
      edges: row.edges,
    };
  }

  /** What lazy refinement stored per adapter (its own JSON shape, checked by the reader). */
  refinements(): Map<string, unknown> {
    const rows = this.#statement('SELECT adapter, data FROM refinements').all() as unknown as {
      adapter: string;
      data: string;
    }[];
    return new Map(rows.map((row) => [row.adapter, JSON.parse(row.data) as unknown]));
  }

  writeRefinements(adapters: ReadonlyMap<string, unknown>): void {
    this.#transaction(() => {
      const put = this.#statement('INSERT OR REPLACE INTO refinements (adapter, data) VALUES (?, ?)');
      for (const [adapter, data] of adapters) put.run(adapter, JSON.stringify(data));
    });
  }

  /** Writes one index's changes in one transaction: all of them, or (on any failure, or a crash) none. */
  write(change: StoreWrite): void {
    this.#transaction(() => {
      const putFile = this.#statement(
        'INSERT OR REPLACE INTO files (path, size, mtime, hash, minified) VALUES (?, ?, ?, ?, ?)',
      );
      for (const [path, file] of change.files ?? [])
        putFile.run(path, file.size, file.mtime, file.hash, file.minified ? 1 : 0);
      const dropFile = this.#statement('DELETE FROM files WHERE path = ?');
      for (const path of change.goneFiles ?? []) dropFile.run(path);
      const putFacts = this.#statement(
        'INSERT OR REPLACE INTO facts (path, adapter, version, hash, data) VALUES (?, ?, ?, ?, ?)',
      );
      for (const [path, facts] of change.facts ?? [])
        putFacts.run(path, facts.adapter, facts.version, facts.hash, JSON.stringify(facts.facts));
      const dropFacts = this.#statement('DELETE FROM facts WHERE path = ?');
      for (const path of change.goneFacts ?? []) dropFacts.run(path);
      for (const { part, symbols, edges } of change.parts ?? []) this.#replacePart(part, symbols, edges);
      if (change.adapters) this.#dropPartsExcept(change.adapters);
    });
  }

  #replacePart(
    part: Omit<StoredPart, 'symbols' | 'edges'>,
    symbols: readonly CodeSymbol[],
    edges: readonly CallEdge[],
  ): void {
    this.#statement('DELETE FROM symbols WHERE adapter = ?').run(part.adapter);
    this.#statement('DELETE FROM edges WHERE adapter = ?').run(part.adapter);
    const putSymbol = this.#statement(
      `INSERT INTO symbols (adapter, ${SYMBOL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const s of symbols)
      putSymbol.run(
        part.adapter,
        s.id,
        s.name,
        s.qualified_name,
        s.kind,
        s.file,
        s.line,
        s.column,
        s.end_line,
        s.language,
      );
    const putEdge = this.#statement(
      `INSERT INTO edges (adapter, ${EDGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const e of edges)
      putEdge.run(
        part.adapter,
        e.from,
        e.to,
        e.kind,
        e.call.file,
        e.call.line,
        e.call.column,
        e.call.text,
        e.note ?? null,
      );
    this.#statement(
      'INSERT OR REPLACE INTO parts (adapter, fingerprint, refinable, scope, problems, symbols, edges) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(
      part.adapter,
      part.fingerprint,
      part.refinable ? 1 : 0,
      part.refineScope ? JSON.stringify(part.refineScope) : null,
      JSON.stringify(part.problems),
      symbols.length,
      edges.length,
    );
  }

  #dropPartsExcept(adapters: readonly string[]): void {
    const known = this.#statement('SELECT adapter FROM parts').all() as { adapter: string }[];
    for (const { adapter } of known) {
      if (adapters.includes(adapter)) continue;
      for (const table of ['parts', 'symbols', 'edges', 'refinements'])
        this.#statement(`DELETE FROM ${table} WHERE adapter = ?`).run(adapter);
    }
  }

  #transaction(body: () => void): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      body();
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  // Graph reads: what a warm query touches, by index; only rows of the adapters in `only`.

  symbol(id: string, only: ReadonlySet<string>): CodeSymbol | undefined {
    return this.#symbols('WHERE id = ?', only, id)[0];
  }

  symbolsNamed(name: string, only: ReadonlySet<string>): CodeSymbol[] {
    return this.#symbols('WHERE name = ?', only, name);
  }

  symbolsInFile(file: string, only: ReadonlySet<string>): CodeSymbol[] {
    return this.#symbols('WHERE file = ?', only, file);
  }

  symbolFiles(only: ReadonlySet<string>): string[] {
    const rows = this.#statement('SELECT DISTINCT adapter, file FROM symbols').all() as {
      adapter: string;
      file: string;
    }[];
    return rows.filter((row) => only.has(row.adapter)).map((row) => row.file);
  }

  *allSymbols(only: ReadonlySet<string>): Iterable<CodeSymbol> {
    for (const row of this.#statement(
      `SELECT adapter, ${SYMBOL_COLUMNS} FROM symbols ORDER BY rowid`,
    ).iterate()) {
      const symbol = row as unknown as SymbolRow;
      if (only.has(symbol.adapter)) yield symbolOf(symbol);
    }
  }

  outgoing(id: string, only: ReadonlySet<string>): CallEdge[] {
    return this.#edges('WHERE src = ?', only, id);
  }

  incoming(id: string, only: ReadonlySet<string>): CallEdge[] {
    return this.#edges('WHERE dst = ?', only, id);
  }

  /** Whether this exact edge (ends and call site) is stored. */
  hasEdge(edge: CallEdge, only: ReadonlySet<string>): boolean {
    const rows = this.#statement(
      'SELECT adapter FROM edges WHERE src = ? AND dst = ? AND file = ? AND line = ? AND col = ?',
    ).all(edge.from, edge.to, edge.call.file, edge.call.line, edge.call.column) as { adapter: string }[];
    return rows.some((row) => only.has(row.adapter));
  }

  *allEdges(only: ReadonlySet<string>): Iterable<CallEdge> {
    for (const row of this.#statement(
      `SELECT adapter, ${EDGE_COLUMNS} FROM edges ORDER BY rowid`,
    ).iterate()) {
      const edge = row as unknown as EdgeRow;
      if (only.has(edge.adapter)) yield edgeOf(edge);
    }
  }

  #symbols(where: string, only: ReadonlySet<string>, value: string): CodeSymbol[] {
    const rows = this.#statement(
      `SELECT adapter, ${SYMBOL_COLUMNS} FROM symbols ${where} ORDER BY rowid`,
    ).all(value) as unknown as SymbolRow[];
    return rows.filter((row) => only.has(row.adapter)).map(symbolOf);
  }

  #edges(where: string, only: ReadonlySet<string>, value: string): CallEdge[] {
    const rows = this.#statement(`SELECT adapter, ${EDGE_COLUMNS} FROM edges ${where} ORDER BY rowid`).all(
      value,
    ) as unknown as EdgeRow[];
    return rows.filter((row) => only.has(row.adapter)).map(edgeOf);
  }
}

function symbolOf(row: SymbolRow): CodeSymbol {
  return {
    id: row.id,
    name: row.name,
    qualified_name: row.qualified_name,
    kind: row.kind as SymbolKind,
    file: row.file,
    line: row.line,
    column: row.col,
    end_line: row.end_line,
    language: row.language,
  };
}

function edgeOf(row: EdgeRow): CallEdge {
  const edge: CallEdge = {
    from: row.src,
    to: row.dst,
    kind: row.kind as EdgeKind,
    call: { file: row.file, line: row.line, column: row.col, text: row.text },
  };
  if (row.note !== null) edge.note = row.note;
  return edge;
}
