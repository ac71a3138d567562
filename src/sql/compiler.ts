/**
 * The statement compiler: renders an expression tree to SQL text plus a bind layout, once per
 * statement shape (SQLAlchemy's `SQLCompiler`). Dialects subclass it for their spelling.
 *
 * Bound parameters render as internal tokens while compiling; `finalize()` splits the text on
 * them, so the positional order is the order in the final text (CTEs render first even though
 * they are compiled when met). The resulting {@link Compiled} builds the wire SQL and parameter
 * list for any statement with the same cache key.
 * @module
 */
import { ArgumentError, CompileError, InvalidRequestError } from "../errors.js";
import { AthanorWarning, CartesianProductWarning, warn } from "../warnings.js";
import {
  andCriteria, BinaryExpression, BindParameter, BooleanClauseList, Case, Cast, ClauseElement, ColumnElement, Constant, Grouping,
  isFunctionElement, Label, LiteralColumn, Over, registerCompileImpl, ScalarFunctionColumn, type FunctionElement, TextClause, TupleType, UnaryExpression,
  type TextualLabelReference,
  type CollectionAggregate, type Extract, type IlikeOperand, type WithinGroup,
} from "./elements.js";
import { ColumnClause } from "./column.js";
import { clientDefaultValue, ColumnImpl, TableImpl, type NextValue } from "./schema.js";
import {
  Alias, CompoundSelect, CTE, FromClause, isTextColumns, isValues, Join, Select, SelectBase, TableClause, type Values, type ExportedColumn, type GenerativeSelect, LABEL_STYLE_DISAMBIGUATE_ONLY, LABEL_STYLE_TABLENAME_PLUS_COL, type TableSample, type TextualSelect, tqLabel, columnLabelName, fromsOf, TableValuedAlias, type TableValuedColumn, type StatementAffix,
  labelResolvable,
} from "./selectable.js";
import { crudBinds, InsertDefaultValue, UpdateBase, type AnyDelete, type AnyDml, type AnyInsert, type AnyUpdate, type FromDmlColumn } from "./dml.js";
import { generateCacheKey } from "./cache-key.js";
import { BINARY_SQL, COMPARISON_OPERATORS } from "./operators.js";
import { NULLTYPE, type BindProcessor, type ResultProcessor, type TypeEngine } from "./type-api.js";
import { processesNull } from "./null-aware.js";
import { defaultDialect, registerDefaultCompiler, type Dialect } from "./dialect.js";
import { Numeric, typeFromJsValue } from "./types/index.js";

/** Options of `stmt.compile()` and of the engine's compile step. */
export interface CompileOptions {
  /** Render bound values inline as SQL literals (for display and DDL; never used for execution). */
  readonly literalBinds?: boolean;
  /** Expand "expanding" (IN) parameters now, using the statement's values, instead of a post-compile marker. */
  readonly renderPostcompile?: boolean;
  /** Warn (CartesianProductWarning) about SELECTs whose FROMs are not all joined (1.4 FROM linting). */
  readonly lintFroms?: boolean;
  /** Parameter keys given at execution, for INSERT/UPDATE without `.values()`. */
  readonly columnKeys?: readonly string[];
  /** Bind position map from the statement's cache key. @internal */
  readonly bindIndex?: ReadonlyMap<BindParameter<unknown, string>, number>;
  /** Compiling for `conn.execute(insert, [rows…])` ("insertmanyvalues"). @internal */
  readonly forExecutemany?: boolean;
  /**
   * Compiling for the engine to run on its driver: types add their driver-level wrappers
   * (`CAST(x AS TEXT)` around a PostgreSQL timestamp, JSON or ARRAY result, a cast around a
   * JSON parameter). Without it (`stmt.compile({ dialect })`), SQL renders as SQLAlchemy prints
   * it for that dialect. @internal
   */
  readonly forExecution?: boolean;
}

/** Keyword state passed down while compiling (SQLAlchemy's `**kw`). */
export interface CompileKw {
  readonly withinColumnsClause?: boolean;
  readonly asFrom?: boolean;
  readonly lateral?: boolean;
  readonly asSubquery?: boolean;
  readonly exported?: readonly ExportedColumn[];
  readonly withinOrderBy?: boolean;
  readonly unqualified?: boolean;
  readonly inCompound?: boolean;
  /**
   * In ORDER BY: the label that renders as its name, when the ORDER BY element is a label of the
   * SELECT list, possibly under ASC/DESC/NULLS modifiers (a label nested in an expression or a
   * function renders its expression, as SQLAlchemy does).
   */
  readonly orderByLabel?: Label<unknown, string>;
  /** In ORDER BY / GROUP BY: what a string names (a SELECT-list label or a FROM column). */
  readonly resolveLabel?: (name: string) => ColumnElement<unknown, string> | undefined;
  /** The IN operator an expanding parameter is the right side of (its empty-set form differs). */
  readonly expandingOp?: "in" | "notIn";
  /**
   * Inside a SELECT list or VALUES row, where the server cannot infer a parameter's type from
   * a comparison; dialects whose drivers send untyped parameters render a cast there.
   */
  readonly bindCast?: boolean;
  /**
   * Set for a bound parameter that is itself an argument of a function call or EXTRACT's FROM
   * operand, where the server picks an overload by the argument types; dialects whose drivers
   * send untyped parameters render the bind's type cast there (SQLAlchemy's `render_bind_cast`).
   */
  readonly functionArgument?: boolean;
}

/** Where a positional parameter's value comes from. */
export type SlotSource = "bind" | "default" | "onupdate";

/** One bound parameter position in compiled SQL. */
export interface BindSlot {
  /** Parameter name (`id_1`, `name`). */
  readonly name: string;
  readonly bind: BindParameter<unknown, string>;
  /** Index into the cache key's bind list; -1 when the bind was made while compiling. */
  readonly extractIndex: number;
  readonly expanding: boolean;
  readonly source: SlotSource;
  /** Column this value is for (DML), used for defaults and error messages. */
  readonly column?: ColumnImpl;
  readonly type: TypeEngine<unknown>;
  /** For expanding parameters: the IN operator, which decides the empty-list rendering. */
  readonly op?: "in" | "notIn";
  /** A `literalExecute` bind: its value is rendered inline as a SQL literal at execution. */
  readonly literal?: boolean;
}

/** One column of a statement's result (SELECT list or RETURNING). */
export interface ResultColumn {
  readonly key: string;
  readonly type: TypeEngine<unknown>;
  readonly element: ColumnElement<unknown, string>;
}

/** The shape of an INSERT's VALUES tuple, for "insertmanyvalues" batching. @internal */
export interface InsertManyTemplate {
  readonly prefix: TokenizedSql;
  readonly tuple: TokenizedSql;
  readonly suffix: TokenizedSql;
}
/** SQL text split around bind tokens. @internal */
export interface TokenizedSql {
  readonly parts: readonly string[];
  readonly slots: readonly BindSlot[];
}

const TOKEN_RE = /\u0000(\d+)\u0000/g;
// NUL cannot occur in SQL identifiers or text, so markers built on it never collide with names.
const IM_START = "\u0000S\u0000";
const IM_END = "\u0000E\u0000";

let compiledUid = 0;

/** A compiled statement: SQL text, bind layout and result columns (SQLAlchemy's `Compiled`). */
export class Compiled {
  /** Process-unique id; `cached since` echo bookkeeping. */
  readonly id = ++compiledUid;
  /** When it was compiled (ms since epoch). */
  readonly compiledAt = Date.now();
  /** Bound parameters in positional order. */
  readonly slots: readonly BindSlot[];
  private readonly parts: readonly string[];
  private readonly hasExpanding: boolean;
  /** Wire SQL when no parameter is expanding. */
  private readonly fixedSql: string | undefined;
  private readonly processors: (BindProcessor | undefined)[];
  private manySqlCache?: Map<number, string>;

  constructor(
    readonly dialect: Dialect,
    tokenized: TokenizedSql,
    /** Result columns (SELECT list or RETURNING), empty for statements returning no rows. */
    readonly resultColumns: readonly ResultColumn[],
    readonly statementKind: "select" | "insert" | "update" | "delete" | "text" | "ddl" | "other",
    readonly insertMany: InsertManyTemplate | undefined,
    /** The statement that was compiled. */
    readonly statement: ClauseElement,
    /** Tables the statement writes to (DML). */
    readonly isReturning: boolean,
  ) {
    this.parts = tokenized.parts;
    this.slots = tokenized.slots;
    this.hasExpanding = this.slots.some((s) => s.expanding || s.literal === true);
    const td = dialect.typeDialect;
    this.processors = this.slots.map((s) => (s.type === NULLTYPE ? undefined : s.type.bindProcessor(td)));
    this.fixedSql = this.hasExpanding || dialect.paramstyle === "named" ? undefined : this.renderWire(this.slots.map(() => 1));
  }

  /** SQL as displayed: `:name`, `?` or `$n` placeholders; expanding parameters as `__[POSTCOMPILE_name]`. */
  get sql(): string {
    let n = 0;
    let out = this.parts[0];
    this.slots.forEach((s, i) => {
      if (s.expanding || s.literal) out += `__[POSTCOMPILE_${s.name}]`;
      else out += this.placeholder(++n, s.name);
      out += this.parts[i + 1];
    });
    return out;
  }
  /** Same as {@link Compiled.sql}. */
  toString(): string {
    return this.sql;
  }
  /** Parameter values by name, as given in the statement (before type processing). */
  get params(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const s of this.slots) if (!(s.name in out)) out[s.name] = s.bind.required ? undefined : s.source === "bind" ? s.bind.effectiveValue() : undefined;
    return out;
  }
  /** Parameter names in positional order (SQLAlchemy's `positiontup`). */
  get positiontup(): string[] {
    return this.slots.map((s) => s.name);
  }
  /** Parameter values in positional order (before type processing). */
  get positionalParams(): unknown[] {
    const p = this.params;
    return this.slots.map((s) => p[s.name]);
  }

  private placeholder(n: number, name: string): string {
    const ps = this.dialect.paramstyle;
    return ps === "numeric_dollar" ? `$${n}` : ps === "qmark" ? "?" : `:${name}`;
  }

  private renderWire(counts: readonly number[], emptyOps?: readonly (string | undefined)[]): string {
    let n = 0;
    let out = this.parts[0];
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      // A literal-execute slot carries its rendered literal in `emptyOps` (count 0, no placeholder).
      if (s.literal) out += emptyOps?.[i] ?? "NULL";
      else if (!s.expanding) out += this.placeholder(++n, s.name);
      else if (counts[i] === 0) out += emptyOps?.[i] ?? "NULL";
      else {
        const width = s.type instanceof TupleType ? s.type.types.length : 0;
        const items: string[] = [];
        for (let j = 0; j < counts[i]; j++) {
          if (width) {
            const t: string[] = [];
            for (let w = 0; w < width; w++) t.push(this.placeholder(++n, s.name));
            items.push(`(${t.join(", ")})`);
          } else items.push(this.placeholder(++n, s.name));
        }
        out += items.join(", ");
      }
      out += this.parts[i + 1];
    }
    return out;
  }

  /**
   * Wire SQL and processed positional parameters for one execution.
   * @param extracted the bind list of the statement being executed (same cache key), or
   *   undefined to use the compiled statement's own values.
   * @param params execution parameters by name (required binds, overrides, DML column values).
   * @throws ArgumentError when a required parameter is missing or a value cannot be bound.
   */
  construct(extracted: readonly BindParameter<unknown, string>[] | undefined, params: Readonly<Record<string, unknown>> | undefined): { sql: string; params: unknown[] } {
    const slots = this.slots;
    if (!this.hasExpanding) {
      // Sized up front: the per-execution path allocates the parameter array once.
      const n = slots.length;
      const wire = new Array<unknown>(n);
      for (let i = 0; i < n; i++) wire[i] = this.process(i, this.valueFor(slots[i], extracted, params));
      return { sql: this.fixedSql ?? this.renderWire(slots.map(() => 1)), params: wire };
    }
    const out: unknown[] = [];
    const counts: number[] = [];
    const empties: (string | undefined)[] = [];
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      const v = this.valueFor(s, extracted, params);
      if (s.literal) {
        counts.push(0);
        empties.push(this.renderLiteralValue(s, v));
        continue;
      }
      if (!s.expanding) {
        counts.push(1);
        empties.push(undefined);
        out.push(this.process(i, v));
        continue;
      }
      if (!Array.isArray(v)) throw new ArgumentError(`Expanding parameter '${s.name}' (IN) needs a list; got ${typeof v}`);
      counts.push(v.length);
      empties.push(v.length === 0 ? this.emptyIn(s) : undefined);
      if (s.type instanceof TupleType) {
        const procs = s.type.types.map((t) => t.bindProcessor(this.dialect.typeDialect));
        for (const item of v) {
          const tup = tupleValues(item);
          if (tup === undefined || tup.length !== procs.length) {
            throw new ArgumentError(`Tuple IN parameter '${s.name}' needs tuples of ${procs.length} values`);
          }
          tup.forEach((x, j) => out.push(x == null ? nullBind(procs[j]) : procs[j] ? procs[j]!(x) : x));
        }
      } else for (const x of v) out.push(this.process(i, x));
    }
    return { sql: this.renderWire(counts, empties), params: out };
  }

  /** The SQL literal of a literal-execute bind's value (a list renders `a, b, …` inside IN). */
  private renderLiteralValue(s: BindSlot, v: unknown): string {
    const c = this.dialect.createCompiler(this.statement, {});
    if (!s.bind.expanding) return c.renderLiteral(v, s.type);
    if (!Array.isArray(v)) throw new ArgumentError(`Expanding parameter '${s.name}' (IN) needs a list; got ${typeof v}`);
    if (v.length === 0) return this.emptyIn(s);
    // An untyped list bind is typed after the whole JS array; its members render by their own type.
    const item = s.type.affinity === "array" || s.type.affinity === "json" ? NULLTYPE : s.type;
    return v.map((x) => (Array.isArray(x) ? `(${x.map((y) => c.renderLiteral(y, NULLTYPE)).join(", ")})` : c.renderLiteral(x, item))).join(", ");
  }

  private emptyIn(s: BindSlot): string {
    return this.dialect.emptySetOp(s.op ?? "in", s.type instanceof TupleType ? s.type.types.length : 1);
  }

  private valueFor(s: BindSlot, extracted: readonly BindParameter<unknown, string>[] | undefined, params: Readonly<Record<string, unknown>> | undefined): unknown {
    if (s.source !== "bind") return evaluateDefault(s, params);
    if (params !== undefined && s.name in params) return params[s.name];
    const b = extracted && s.extractIndex >= 0 ? extracted[s.extractIndex] : s.bind;
    if (b.required) {
      if (params !== undefined && b.bindKey in params) return params[b.bindKey];
      throw new ArgumentError(`A value is required for bind parameter '${s.name}'${s.column ? ` (${s.column.describe()})` : ""}`);
    }
    return b.callable ? b.callable() : b.value;
  }

  private process(i: number, v: unknown): unknown {
    if (v == null) return nullBind(this.processors[i]);
    let p = this.processors[i];
    if (p === undefined && this.slots[i].type === NULLTYPE) p = typeFromJsValue(v).bindProcessor(this.dialect.typeDialect);
    if (!p) return v;
    try {
      return p(v);
    } catch (e) {
      const s = this.slots[i];
      if (s.source === "bind" && s.bind.typeFromOperand) return this.processByJsType(v);
      const where = s.column ? s.column.describe() : `parameter '${s.name}'`;
      throw new ArgumentError(`Cannot bind value for ${where}: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * "insertmanyvalues": wire statements for many parameter rows of a single-row INSERT, in
   * pages of at most `maxParams` parameters and `maxRows` rows (SQLAlchemy 2.0's
   * `insertmanyvalues_page_size`). Rows keep their order.
   */
  constructMany(rows: readonly Readonly<Record<string, unknown>>[], maxParams: number, maxRows = Infinity): { sql: string; params: unknown[]; rows: number }[] {
    const t = this.insertMany;
    if (!t) return rows.map((r) => ({ ...this.construct(undefined, r), rows: 1 }));
    const per = Math.max(1, t.tuple.slots.length);
    const fixed = t.prefix.slots.length + t.suffix.slots.length;
    const pageSize = Math.max(1, Math.min(maxRows, Math.floor((maxParams - fixed) / per)));
    const out: { sql: string; params: unknown[]; rows: number }[] = [];
    const tupleProcs = t.tuple.slots.map((s) => (s.type === NULLTYPE ? undefined : s.type.bindProcessor(this.dialect.typeDialect)));
    const slots = t.tuple.slots;
    for (let start = 0; start < rows.length; start += pageSize) {
      const end = Math.min(rows.length, start + pageSize);
      // Sized up front and filled by index: this runs once per parameter value of the executemany.
      const params = new Array<unknown>(fixed + (end - start) * slots.length);
      let k = 0;
      const first = rows[start];
      for (const s of t.prefix.slots) params[k++] = this.processSlot(s, this.valueFor(s, undefined, first));
      for (let ri = start; ri < end; ri++) {
        const row = rows[ri];
        for (let j = 0; j < slots.length; j++) {
          const s = slots[j];
          let v: unknown;
          try {
            v = this.valueFor(s, undefined, row);
          } catch (e) {
            throw new ArgumentError(`${(e as Error).message}, in parameter group ${ri}`, { cause: e });
          }
          const p = tupleProcs[j];
          params[k++] = v == null ? nullBind(p) : p ? this.guard(p, v, s) : s.type === NULLTYPE ? this.processSlot(s, v) : v;
        }
      }
      for (const s of t.suffix.slots) params[k++] = this.processSlot(s, this.valueFor(s, undefined, first));
      out.push({ sql: this.manySql(end - start), params, rows: end - start });
    }
    return out;
  }

  private guard(p: BindProcessor, v: unknown, s: BindSlot): unknown {
    try {
      return p(v);
    } catch (e) {
      const where = s.column ? s.column.describe() : `parameter '${s.name}'`;
      throw new ArgumentError(`Cannot bind value for ${where}: ${(e as Error).message}`, { cause: e });
    }
  }
  /** An untyped value's processing: after its JS type (a number binds as a number). */
  private processByJsType(v: unknown): unknown {
    const q = typeFromJsValue(v).bindProcessor(this.dialect.typeDialect);
    return q ? q(v) : v;
  }
  private processSlot(s: BindSlot, v: unknown): unknown {
    if (v == null) return s.type === NULLTYPE ? null : nullBind(s.type.bindProcessor(this.dialect.typeDialect));
    const p = s.type === NULLTYPE ? typeFromJsValue(v).bindProcessor(this.dialect.typeDialect) : s.type.bindProcessor(this.dialect.typeDialect);
    return p ? this.guard(p, v, s) : v;
  }

  private manySql(n: number): string {
    const cache = (this.manySqlCache ??= new Map());
    let sql = cache.get(n);
    if (sql !== undefined) return sql;
    const t = this.insertMany!;
    let k = 0;
    const render = (ts: TokenizedSql) => {
      let s = ts.parts[0];
      for (let i = 0; i < ts.slots.length; i++) s += this.placeholder(++k, ts.slots[i].name) + ts.parts[i + 1];
      return s;
    };
    sql = render(t.prefix);
    const tuples: string[] = [];
    for (let i = 0; i < n; i++) tuples.push(render(t.tuple));
    sql += tuples.join(", ") + render(t.suffix);
    if (cache.size < 8) cache.set(n, sql);
    return sql;
  }
}

/**
 * A client-side default or onupdate value for one execution (SQLAlchemy's `ColumnDefault`): a
 * given parameter wins, a function is called with the row's parameters as
 * `ctx.currentParameters` (SQLAlchemy's `context.get_current_parameters()`, where the column
 * being defaulted is present as null), anything else is the value.
 */
function evaluateDefault(s: BindSlot, params: Readonly<Record<string, unknown>> | undefined): unknown {
  const col = s.column!;
  if (params !== undefined && col.key in params) return params[col.key];
  return clientDefaultValue(s.source === "default" ? col.default : col.onupdate, col.key, params);
}

/**
 * A default / onupdate that is SQL (an expression or `text("5 + 3")`): rendered inline in the
 * statement rather than bound, as SQLAlchemy's `ColumnClauseColumnDefault`.
 */
function isSqlDefault(d: unknown): d is ColumnElement<unknown, string> | TextClause {
  return d instanceof ColumnElement || d instanceof TextClause;
}

/** One WITH clause: its entries by root CTE, and whether it is `WITH RECURSIVE`. */
interface CteScope {
  readonly ctes: Map<CTE, { readonly cte: CTE; readonly sql: string }>;
  recursive: boolean;
}

interface SelectFrame {
  readonly froms: readonly FromClause[];
  readonly barrier: boolean;
}

/**
 * Functions SQL spells as keywords, whatever case they were called in and with arguments too
 * (SQLAlchemy's compiler FUNCTIONS map): `func.current_timestamp(x)` → `CURRENT_TIMESTAMP(x)`,
 * `func.grouping_sets(a, b)` → `GROUPING SETS(a, b)`.
 */
const STANDARD_FUNCTION_NAMES: Readonly<Record<string, string>> = {
  current_date: "CURRENT_DATE", current_time: "CURRENT_TIME", current_timestamp: "CURRENT_TIMESTAMP", current_user: "CURRENT_USER",
  localtime: "LOCALTIME", localtimestamp: "LOCALTIMESTAMP", session_user: "SESSION_USER", user: "USER",
  cube: "CUBE", rollup: "ROLLUP", grouping_sets: "GROUPING SETS",
};

/** Renders one statement. Subclassed per dialect. */
export class SQLCompiler {
  protected readonly slots: BindSlot[] = [];
  private readonly bindNames = new Map<BindParameter<unknown, string>, string>();
  private readonly nameOwners = new Map<string, BindParameter<unknown, string>>();
  /** Anonymous-name counters per base name, shared by bind names and labels as in SQLAlchemy's anon_map. */
  private readonly bindCounters = new Map<string, number>();
  private readonly anonCounters = this.bindCounters;
  private readonly anonNames = new Map<object, string>();
  private readonly stack: SelectFrame[] = [];
  /** The statement's WITH clause: entries by root CTE (restatements share one entry). */
  private readonly rootScope: CteScope = { ctes: new Map(), recursive: false };
  /** WITH clauses of nested SELECTs, innermost last, for `nesting` CTEs. */
  private readonly cteScopes: CteScope[] = [];
  private readonly ctesInProgress = new Set<CTE>();
  /** CTEs added with `addCte(…, { nestHere: true })`, by the statement that states it. */
  private readonly nestHere = new Map<CTE, object>();
  resultColumns: ResultColumn[] = [];
  private insertManyMarked = false;
  /** Depth of DML statements being compiled as CTE bodies (`WITH t AS (UPDATE …)`). */
  private nestedDmlDepth = 0;
  protected statementKind: Compiled["statementKind"] = "other";

  /**
   * Compiling for display (`String(stmt)`, or `stmt.compile({ dialect })` outside the engine): SQL
   * as SQLAlchemy prints it, without the driver-level wrappers types add when the engine
   * compiles for its driver (`CAST(x AS TEXT)` around a SQLite BIGINT, a timestamp's
   * `AT TIME ZONE`; see {@link CompileOptions.forExecution}).
   */
  protected readonly isDisplay: boolean;

  constructor(readonly dialect: Dialect, readonly statement: ClauseElement, readonly options: CompileOptions) {
    this.isDisplay = dialect.name === "default" || options.forExecution !== true;
  }

  /** Compile the statement. */
  compile(): Compiled {
    let text = this.process(this.statement, {});
    text = this.prependCtes(text);
    const isReturning = this.statement instanceof UpdateBase && this.statement.returningColumns.length > 0;
    let insertMany: InsertManyTemplate | undefined;
    if (this.insertManyMarked) {
      const a = text.indexOf(IM_START);
      const b = text.indexOf(IM_END);
      insertMany = {
        prefix: this.tokenize(text.slice(0, a)),
        tuple: this.tokenize(text.slice(a + IM_START.length, b)),
        suffix: this.tokenize(text.slice(b + IM_END.length)),
      };
      text = text.slice(0, a) + text.slice(a + IM_START.length, b) + text.slice(b + IM_END.length);
    }
    return new Compiled(this.dialect, this.tokenize(text), this.resultColumns, this.statementKind, insertMany, this.statement, isReturning);
  }

  private tokenize(text: string): TokenizedSql {
    const parts: string[] = [];
    const slots: BindSlot[] = [];
    let last = 0;
    for (const m of text.matchAll(TOKEN_RE)) {
      parts.push(text.slice(last, m.index));
      slots.push(this.slots[Number(m[1])]);
      last = m.index! + m[0].length;
    }
    parts.push(text.slice(last));
    return { parts, slots };
  }

  /** Render any element. */
  process(e: ClauseElement, kw: CompileKw): string {
    return e._compile(this, kw);
  }

  // ---- names and quoting ---------------------------------------------------------------------
  quoteIdentifier(name: string, force?: boolean): string {
    return this.dialect.quoteIdentifier(name, force);
  }
  /** A name for an anonymous alias/label, unique within this statement (`anon_1`, `users_1`). */
  anonName(obj: object, base: string): string {
    let n = this.anonNames.get(obj);
    if (n === undefined) {
      const c = (this.anonCounters.get(base) ?? 0) + 1;
      this.anonCounters.set(base, c);
      n = `${base}_${c}`;
      this.anonNames.set(obj, n);
    }
    return n;
  }
  /** A label's rendered name: an anonymous label (`label()`) is numbered per base name, `myid_1`. */
  labelName(l: Label<unknown, string>): string {
    return l.anonymous ? this.anonName(l, l.name) : l.name;
  }
  /** The name a subquery column renders under: its export name, or the anonymous name its expression takes. */
  exportedName(e: ExportedColumn): string {
    if (e.tqOf !== undefined) return this.resolvedTqLabel(e.tqOf) ?? e.name;
    const el = e.element;
    if (el instanceof Label) return el.anonymous ? this.labelName(el) : e.name;
    if (!isAnonymouslyNamed(el, true)) return e.name;
    const { named, base } = anonymousBase(el);
    return this.anonName(named, base);
  }
  /** A column's table-qualified label with anonymous tables named for this statement (`anon_1_myid`). */
  private resolvedTqLabel(c: ColumnClause<unknown, string>): string | undefined {
    return tqLabel(c, this.resolveFromName);
  }
  private readonly resolveFromName = (f: FromClause): string => this.fromName(f);
  /** A type's SQL in an expression (CAST); the display dialect uses SQLAlchemy's generic spellings, as its DDL does. */
  protected typeSql(t: TypeEngine<unknown>): string {
    return t.compileType(this.dialect.name === "default" ? { name: this.dialect.typeDialect, generic: true } : { name: this.dialect.typeDialect });
  }
  protected fromName(f: FromClause): string {
    if (f instanceof TableValuedAlias) return f.name ?? this.anonName(f, "anon");
    if (f instanceof Alias || isValues(f)) {
      if (f.name !== undefined) return f.name;
      if (f instanceof CTE) {
        // An anonymous CTE of a named VALUES is named after it (`some_name_1`), as in SQLAlchemy.
        const inner = f.rootCte.element;
        return this.anonName(f.rootCte, inner instanceof FromClause && isValues(inner) && inner.name !== undefined ? anonBindBase(inner.name) : "anon");
      }
      // Named after what it aliases when that has a name of its own (`mytable_1`, and `bar_1`
      // for an anonymous alias of the alias `bar`), as SQLAlchemy's AliasedReturnsRows._init.
      const el = f instanceof Alias ? f.element : undefined;
      const base = el instanceof TableClause ? el.name : el instanceof Alias && (el.kind === "alias" || el.kind === "subquery") && el.name !== undefined ? el.name : "anon";
      return this.anonName(f, base);
    }
    if (f instanceof TableClause) return f.name;
    throw new CompileError(`${f.describe()} has no name to qualify columns with`);
  }
  protected qualifiedFromName(f: FromClause): string {
    if (f instanceof TableClause && !(f instanceof Alias)) {
      const name = this.quoteIdentifier(f.name, f.quote);
      return f.schema ? `${this.quoteIdentifier(f.schema, f.quoteSchema)}.${name}` : name;
    }
    return this.quoteIdentifier(this.fromName(f));
  }

  // ---- literals -----------------------------------------------------------------------------
  /** A SQL string literal with quotes doubled. */
  renderStringLiteral(s: string): string {
    return `'${s.replace(/'/g, "''")}'`;
  }
  /**
   * Render a JS value as a SQL literal (for `literalBinds` and DDL defaults) through the type's
   * `literalProcessor` (SQLAlchemy's `literal_processor()`), so ARRAY, Numeric and
   * `TypeDecorator.processLiteralParam` spell their own literal forms.
   * @throws CompileError when the value has no literal spelling.
   */
  renderLiteral(value: unknown, type: TypeEngine<unknown>): string {
    if (value === null || value === undefined) return "NULL";
    const t = type === NULLTYPE ? typeFromJsValue(value) : type;
    // The generic renderer is handed in (not renderLiteral) so a processor delegating back to it
    // cannot recurse into literalProcessor again.
    return t.literalProcessor(this.dialect.typeDialect, this.genericLiteral)(value);
  }
  private readonly genericLiteral = (value: unknown, type: TypeEngine<unknown>): string => this.renderPlainLiteral(value, type);
  /** The dialect-generic spelling: the type's bind processor, then quoted string / number / …. */
  protected renderPlainLiteral(value: unknown, type: TypeEngine<unknown>): string {
    if (value === null || value === undefined) return "NULL";
    const proc = (type === NULLTYPE ? typeFromJsValue(value) : type).bindProcessor(this.dialect.typeDialect);
    const v = proc ? proc(value) : value;
    if (v === null || v === undefined) return "NULL";
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new CompileError(`Cannot render ${v} as a SQL literal`);
      return String(v);
    }
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "boolean") return this.renderBoolean(v);
    if (typeof v === "string") return this.renderStringLiteral(v);
    if (v instanceof Date) return this.renderStringLiteral(v.toISOString());
    if (v instanceof Uint8Array) return this.renderBytesLiteral(v);
    throw new CompileError(`Don't know how to render a literal value of type ${typeof v} for ${type}`);
  }
  protected renderBytesLiteral(b: Uint8Array): string {
    return `X'${[...b].map((x) => x.toString(16).padStart(2, "0")).join("")}'`;
  }
  renderBoolean(v: boolean): string {
    return v ? "true" : "false";
  }

  // ---- leaves -------------------------------------------------------------------------------
  visitBindParam(b: BindParameter<unknown, string>, kw: CompileKw, opts: { column?: ColumnImpl; source?: SlotSource } = {}): string {
    if (b.literalExecute && !this.options.literalBinds && !this.options.renderPostcompile) {
      // Rendered at execution (Compiled.construct): the cached SQL must not hold this value.
      const name = this.bindName(b);
      this.slots.push({
        name, bind: b, extractIndex: this.options.bindIndex?.get(b) ?? -1, expanding: false, literal: true, source: "bind", type: b.type,
        ...(b.expanding && kw.expandingOp ? { op: kw.expandingOp } : {}),
      });
      return `\u0000${this.slots.length - 1}\u0000`;
    }
    if (this.options.literalBinds || (b.literalExecute && !b.required)) {
      if (b.required) throw new CompileError(`No literal value for required bind parameter '${b.bindKey}'`);
      const v = b.effectiveValue();
      if (b.expanding) {
        const list = v as unknown[];
        if (list.length === 0) return this.dialect.emptySetOp(kw.expandingOp ?? "in", tupleWidth(b.type));
        return list.map((x) => (Array.isArray(x) ? `(${x.map((y) => this.renderLiteral(y, NULLTYPE)).join(", ")})` : this.renderLiteral(x, b.type))).join(", ");
      }
      return this.renderLiteral(v, b.type);
    }
    const name = this.bindName(b);
    if (b.expanding && this.options.renderPostcompile) {
      const list = b.effectiveValue() as unknown[];
      if (!Array.isArray(list)) throw new CompileError(`Expanding parameter '${name}' has no list value to render`);
      if (list.length === 0) return this.dialect.emptySetOp(kw.expandingOp ?? "in", tupleWidth(b.type));
      if (b.type instanceof TupleType) {
        // Tuple IN: one parameter per tuple member, `((:p_1_1, :p_1_2), …)`.
        const types = b.type.types;
        return list
          .map((item, i) => {
            const tup = tupleValues(item);
            if (tup === undefined || tup.length !== types.length) throw new CompileError(`Tuple IN parameter '${name}' needs tuples of ${types.length} values`);
            return `(${tup.map((x, j) => this.addSlot(new BindParameter(`${name}_${i + 1}_${j + 1}`, x, types[j]), `${name}_${i + 1}_${j + 1}`, kw, {})).join(", ")})`;
          })
          .join(", ");
      }
      return list.map((x, i) => this.addSlot(new BindParameter(`${name}_${i + 1}`, x, b.type), `${name}_${i + 1}`, kw, {})).join(", ");
    }
    const token = this.addSlot(b, name, kw, opts);
    if (b.expanding || this.isDisplay) return token;
    return b.type.bindExpression(this.dialect.typeDialect, token) ?? token;
  }
  private addSlot(b: BindParameter<unknown, string>, name: string, _kw: CompileKw, opts: { column?: ColumnImpl; source?: SlotSource }): string {
    const idx = this.options.bindIndex?.get(b) ?? -1;
    this.slots.push({
      name, bind: b, extractIndex: idx, expanding: b.expanding && !this.options.renderPostcompile,
      source: opts.source ?? "bind", type: b.type, ...(opts.column ? { column: opts.column } : {}),
      ...(b.expanding && _kw.expandingOp ? { op: _kw.expandingOp } : {}),
    });
    return `\u0000${this.slots.length - 1}\u0000`;
  }
  /** Compiled name of a bind: anonymous ones get `<base>_<n>`. */
  bindName(b: BindParameter<unknown, string>): string {
    let n = this.bindNames.get(b);
    if (n !== undefined) return n;
    // A VALUES/SET value of a DML statement inside a CTE is anonymous (`:param_1`), as
    // SQLAlchemy's crud names column parameters only for the top-level statement.
    const anonCrud = this.nestedDmlDepth > 0 && crudBinds.has(b);
    if (b.unique || anonCrud) {
      const base = anonCrud ? "param" : anonBindBase(b.bindKey);
      let c = this.bindCounters.get(base) ?? 0;
      do n = `${base}_${++c}`;
      while (this.nameOwners.has(n));
      this.bindCounters.set(base, c);
    } else {
      n = b.bindKey;
      const owner = this.nameOwners.get(n);
      if (owner && owner !== b) this.checkSameNamedBinds(n, owner, b);
    }
    this.nameOwners.set(n, b);
    this.bindNames.set(b, n);
    return n;
  }

  /**
   * Two bind parameters compiled under one name must be the same parameter; SQLAlchemy's
   * messages name the unique (anonymous) and the expanding cases.
   * @throws CompileError when they are not.
   */
  private checkSameNamedBinds(n: string, owner: BindParameter<unknown, string>, b: BindParameter<unknown, string>): void {
    if (owner.unique) throw new CompileError(`Bind parameter '${n}' conflicts with unique bind parameter of the same name`);
    if (owner.expanding !== b.expanding) {
      throw new CompileError(
        `Can't reuse bound parameter name '${n}' in both 'expanding' (e.g. within an IN expression) and non-expanding contexts.  If this parameter is to receive a list/array value, set 'expanding=True' on it for expressions that aren't IN, otherwise use a different parameter name.`,
      );
    }
    if (!(owner.required && b.required) && !(owner.value === b.value && owner.type === b.type)) {
      throw new CompileError(`Bind parameter '${n}' conflicts with another bind parameter of the same name; give one of them a different key`);
    }
  }

  visitLiteralColumn(c: LiteralColumn<unknown, string>, _kw: CompileKw): string {
    return c.text;
  }
  visitConstant(c: Constant<unknown>): string {
    return c.which === "null" ? "NULL" : this.renderBoolean(c.which === "true");
  }
  visitColumn(c: ColumnClause<unknown, string>, kw: CompileKw): string {
    // A subquery's column exported from an anonymous label takes the label's statement-wide name.
    const p = anonymousBehind(c);
    // A subquery column proxying an unlabelled literal column keeps the literal text as written
    // (SQLAlchemy's `is_literal` proxies): `anon_1."NEEDS QUOTES"` from `literalColumn('"NEEDS QUOTES"')`.
    const name = literalBehind(c)
      ? c.name
      : p
        ? this.quoteIdentifier(this.exportedName({ name: c.name, element: p }))
        : this.quoteIdentifier(columnLabelName(c, this.resolveFromName), c.tqOf === undefined ? c.quote : undefined);
    // A column of an unnamed VALUES has no name to be qualified with (SQLAlchemy renders `column2`).
    if (kw.unqualified || !c.table || (isValues(c.table) && c.table.unnamed)) return name;
    return `${this.qualifiedFromName(c.table)}.${name}`;
  }
  /** `[LATERAL ]fn(…) AS name` in FROM; elsewhere the alias name. */
  visitTableValuedAlias(a: TableValuedAlias, kw: CompileKw): string {
    const name = this.quoteIdentifier(this.fromName(a));
    if (!kw.asFrom) return name;
    return this.renderFunctionFrom(a, name, a.isLateral, kw);
  }
  /**
   * `[LATERAL ]fn(…)[ WITH ORDINALITY] AS name[(a, b)]`: a function in FROM under `name` (its
   * own, or that of an alias of it), with the derived column list when asked for.
   */
  protected renderFunctionFrom(a: TableValuedAlias, name: string, lateral: boolean, kw: CompileKw): string {
    let text = `${lateral ? "LATERAL " : ""}${this.process(a.fn, { ...kw, asFrom: false })}`;
    if (a.opts.withOrdinality !== undefined) text += " WITH ORDINALITY";
    text += ` AS ${name}`;
    if (a.opts.renderDerived) {
      const cols = a.columnList.map((c) => `${this.quoteIdentifier(c.name)}${a.opts.derivedWithTypes ? ` ${this.typeSql(c.type)}` : ""}`);
      text += `(${cols.join(", ")})`;
    }
    return text;
  }
  /** A function's scalar output (`.column`): the alias name, as PostgreSQL reads it. */
  visitTableValuedColumn(c: TableValuedColumn): string {
    return this.quoteIdentifier(this.fromName(c.alias));
  }
  visitTable(t: TableClause, kw: CompileKw): string {
    if (kw.asFrom || kw.unqualified) return this.qualifiedFromName(t);
    throw new CompileError(`${t.describe()} can only be rendered in a FROM clause`);
  }

  visitText(t: TextClause, kw: CompileKw): string {
    this.statementKind = this.statementKind === "other" && this.statement === t ? "text" : this.statementKind;
    return t.text.replace(/(\\:)|(?<![:\w])(:)(\w+)(?!:)/g, (_m, esc: string | undefined, _colon, name: string) => {
      if (esc) return ":";
      const b = t.binds.get(name) ?? new BindParameter(name, undefined, NULLTYPE, { required: true });
      return this.visitBindParam(b, kw);
    });
  }

  // ---- operators ----------------------------------------------------------------------------
  visitBinary(b: BinaryExpression<unknown>, kw: CompileKw): string {
    const op = b.operator;
    const left = this.process(b.left, kw);
    if ((op === "in" || op === "notIn") && b.right instanceof BindParameter && b.right.expanding) {
      const r = this.process(b.right, { ...kw, expandingOp: op });
      const sql = `${left}${BINARY_SQL[op]}(${r})`;
      // Always parenthesised, as SQLAlchemy does: the empty form `x NOT IN (NULL) OR (1 = 1)` has an OR in it.
      return op === "notIn" ? `(${sql})` : sql;
    }
    const right = this.process(b.right, kw);
    switch (op) {
      case "notIn":
        // Parenthesised whatever the right side (a SELECT, a list of expressions), as
        // SQLAlchemy's visit_not_in_op_binary: `(x NOT IN (SELECT …))`.
        return `(${left}${BINARY_SQL[op]}${right})`;
      case "between":
        return `${left} BETWEEN ${b.modifiers.symmetric ? "SYMMETRIC " : ""}${right}`;
      case "notBetween":
        return `${left} NOT BETWEEN ${b.modifiers.symmetric ? "SYMMETRIC " : ""}${right}`;
      case "like":
      case "notLike":
        return `${left}${BINARY_SQL[op]}${right}${this.escapeClause(b)}`;
      case "ilike":
      case "notIlike":
        if (b.modifiers.preLowered) return this.renderLoweredIlike(left, right, op === "notIlike") + this.escapeClause(b);
        return this.renderIlike(left, right, op === "notIlike") + this.escapeClause(b);
      case "regexpMatch":
      case "notRegexpMatch":
        return this.renderRegexp(left, right, op === "notRegexpMatch", b.modifiers.flags);
      case "regexpReplace":
        return this.renderRegexpReplace(left, right, b.modifiers.flags);
      case "match":
        return this.renderMatch(left, right);
      case "notMatch":
        return `NOT ${this.renderMatch(left, right)}`;
      case "bitwiseXor":
        return this.renderBitwiseXor(b, kw);
      case "truediv":
        return this.renderTruediv(b, left, right);
      case "floordiv":
        return b.modifiers.intDiv ? this.renderIntFloordiv(left, right) : `FLOOR(${left} / ${right})`;
      case "custom":
        return `${left}${b.modifiers.customSql}${right}`;
      default: {
        const sym = BINARY_SQL[op];
        if (!sym) throw new CompileError(`Operator '${op}' is not supported by the ${this.dialect.name} dialect`);
        return `${left}${sym}${right}`;
      }
    }
  }
  protected escapeClause(b: BinaryExpression<unknown>): string {
    return b.modifiers.escape !== undefined ? ` ESCAPE ${this.renderStringLiteral(b.modifiers.escape)}` : "";
  }
  protected renderIlike(left: string, right: string, negate: boolean): string {
    return `lower(${left}) ${negate ? "NOT LIKE" : "LIKE"} lower(${right})`;
  }
  /** The display dialect's spelling, as SQLAlchemy's StrSQLCompiler: `x <regexp> :p`. */
  protected renderRegexp(left: string, right: string, negate: boolean, _flags: string | undefined): string {
    return `${left} ${negate ? "<not regexp>" : "<regexp>"} ${right}`;
  }
  /** `right` is `pattern, replacement`. The display dialect shows `<regexp replace>(…)` as SQLAlchemy. */
  protected renderRegexpReplace(left: string, right: string, _flags: string | undefined): string {
    return `<regexp replace>(${left}, ${right})`;
  }
  /** Full-text match; `x MATCH :p` (display dialect, SQLite). */
  protected renderMatch(left: string, right: string): string {
    return `${left} MATCH ${right}`;
  }
  /** XOR; `^` in the display dialect (SQLAlchemy's default operator table). */
  protected renderBitwiseXor(b: BinaryExpression<unknown>, kw: CompileKw): string {
    return `${this.process(b.left, kw)} ^ ${this.process(b.right, kw)}`;
  }
  /** icontains & co, whose operands already went through {@link SQLCompiler.visitIlikeOperand}. */
  protected renderLoweredIlike(left: string, right: string, negate: boolean): string {
    return `${left} ${negate ? "NOT LIKE" : "LIKE"} ${right}`;
  }
  /** An icontains operand: `lower(x)`; dialects with ILIKE render `x`. */
  visitIlikeOperand(e: IlikeOperand, kw: CompileKw): string {
    return `lower(${this.process(e.element, kw)})`;
  }
  /** Integer floor division: the integer `/` of PostgreSQL and SQLite (SQLAlchemy 2.0). */
  protected renderIntFloordiv(left: string, right: string): string {
    return `${left} / ${right}`;
  }
  /**
   * True division for every type pair, as SQLAlchemy 2.0's `visit_truediv_binary` on a dialect
   * whose `/` floors integers: the divisor is CAST to its own type when numeric or float, else
   * to NUMERIC (`a / CAST(b AS NUMERIC)`, `a / CAST(f AS FLOAT)`).
   */
  protected renderTruediv(b: BinaryExpression<unknown>, left: string, right: string): string {
    const rt = b.right instanceof ColumnElement ? b.right.type : NULLTYPE;
    const target = rt.affinity === "numeric" || rt.affinity === "float" ? rt : Numeric();
    return `${left} / CAST(${right} AS ${this.typeSql(target)})`;
  }
  visitBooleanList(b: BooleanClauseList, kw: CompileKw): string {
    if (b.clauses.length === 0) return b.operator === "and" ? this.renderBoolean(true) : this.renderBoolean(false);
    return b.clauses.map((c) => this.process(c, kw)).join(b.operator === "and" ? " AND " : " OR ");
  }
  visitUnary(u: UnaryExpression<unknown>, kw: CompileKw): string {
    const inner = this.process(u.element, kw);
    let s = inner;
    switch (u.operator) {
      case "not": s = `NOT ${inner}`; break;
      case "neg": s = `-${inner}`; break;
      case "bitwiseNot": s = `~${inner}`; break;
      case "distinct": s = `DISTINCT ${inner}`; break;
      case "exists": s = `EXISTS ${inner}`; break;
      case undefined: break;
      default: throw new CompileError(`Unary operator '${u.operator}' is not supported`);
    }
    switch (u.modifier) {
      case "asc": return `${s} ASC`;
      case "desc": return `${s} DESC`;
      case "nullsFirst": return `${s} NULLS FIRST`;
      case "nullsLast": return `${s} NULLS LAST`;
      default: return s;
    }
  }
  visitLabel(l: Label<unknown, string>, kw: CompileKw): string {
    if (kw.withinColumnsClause) return `${this.process(l.element, { ...kw, withinColumnsClause: false })} AS ${this.quoteIdentifier(this.labelName(l))}`;
    if (kw.orderByLabel === l) return this.quoteIdentifier(this.labelName(l));
    return this.process(l.element, kw);
  }
  /**
   * A string given to ORDER BY / GROUP BY: the label's name, or the column it names (SQLAlchemy's
   * `visit_textual_label_reference`); outside a SELECT, the name as written.
   * @throws CompileError when the SELECT has no such label or column.
   */
  visitTextualLabelReference(r: TextualLabelReference, kw: CompileKw): string {
    if (!kw.resolveLabel) return r.name;
    const target = kw.resolveLabel(r.name);
    if (target === undefined) {
      throw new CompileError(
        `Can't resolve label reference for ORDER BY / GROUP BY / DISTINCT etc. Textual SQL expression '${r.name}' should be explicitly declared as text('${r.name}')`,
      );
    }
    if (target instanceof Label) return this.quoteIdentifier(this.labelName(target));
    return this.process(target, { ...kw, resolveLabel: undefined });
  }
  visitCast(c: Cast<unknown>, kw: CompileKw): string {
    return `CAST(${this.process(c.element, kw)} AS ${this.typeSql(c.type)})`;
  }
  visitCase(c: Case<unknown>, kw: CompileKw): string {
    let s = "CASE ";
    if (c.value) s += `${this.process(c.value, kw)} `;
    // Each WHEN criterion is grouped as SQLAlchemy's Case does with `self_group()`: `WHEN (x = :x_1)`.
    for (const [w, t] of c.whens) s += `WHEN ${this.process(groupedAsValue(w), kw)} THEN ${this.process(t, kw)} `;
    if (c.else_) s += `ELSE ${this.process(c.else_, kw)} `;
    return `${s}END`;
  }
  visitFunction(f: FunctionElement<unknown, string>, kw: CompileKw): string {
    const inner = { ...kw, withinColumnsClause: false };
    const name = this.functionName(f);
    if (f.bare) return name;
    return `${name}(${f.args.map((a) => this.processFunctionArgument(a, inner)).join(", ")})`;
  }
  /** A function or EXTRACT argument; a bound parameter is marked {@link CompileKw.functionArgument}. */
  protected processFunctionArgument(a: ClauseElement, kw: CompileKw): string {
    return this.process(a, a instanceof BindParameter ? { ...kw, functionArgument: true } : kw);
  }
  /** The SQL name of a function; dialects map portable names (SQLite renders now() as CURRENT_TIMESTAMP). */
  protected functionName(f: FunctionElement<unknown, string>): string {
    if (f.bare) return f.name.toUpperCase();
    const portable = f.name.includes(".") ? undefined : this.portableFunctionName(f.name.toLowerCase());
    if (portable !== undefined) return portable;
    const standard = f.name.includes(".") ? undefined : STANDARD_FUNCTION_NAMES[f.name.toLowerCase()];
    if (standard !== undefined) return standard;
    return f.name.split(".").map((p) => (/^\w+$/.test(p) ? p : this.quoteIdentifier(p))).join(".");
  }
  /** This dialect's name for a portable function (`aggregate_strings` → `string_agg`), if it renames it. */
  protected portableFunctionName(_name: string): string | undefined {
    return undefined;
  }
  visitOver(o: Over<unknown, string>, kw: CompileKw): string {
    const inner = { ...kw, withinColumnsClause: false };
    const parts: string[] = [];
    if (o.partitionBy.length) parts.push(`PARTITION BY ${o.partitionBy.map((p) => this.process(p, inner)).join(", ")}`);
    if (o.orderBy.length) parts.push(`ORDER BY ${o.orderBy.map((p) => this.process(p, inner)).join(", ")}`);
    const frame = o.rows ? ["ROWS", o.rows] as const : o.range ? ["RANGE", o.range] as const : o.groups ? ["GROUPS", o.groups] as const : undefined;
    if (frame) parts.push(`${frame[0]} BETWEEN ${frameBound(frame[1][0], true)} AND ${frameBound(frame[1][1], false)}`);
    return `${this.process(o.element, inner)} OVER (${parts.join(" ")})`;
  }

  visitWithinGroup(w: WithinGroup<unknown>, kw: CompileKw): string {
    const inner = { ...kw, withinColumnsClause: false };
    return `${this.process(w.element, inner)} WITHIN GROUP (ORDER BY ${w.orderBy.map((o) => this.process(o, inner)).join(", ")})`;
  }
  /** `EXTRACT(field FROM expr)` (the field is a validated word). */
  visitExtract(e: Extract, kw: CompileKw): string {
    return `EXTRACT(${e.field} FROM ${this.processFunctionArgument(e.expr, { ...kw, withinColumnsClause: false })})`;
  }
  /** `ANY (x)`; a subquery keeps its own parentheses: `ANY (SELECT …)`. */
  visitCollectionAggregate(a: CollectionAggregate<unknown>, kw: CompileKw): string {
    const inner = this.process(a.element, { ...kw, withinColumnsClause: false });
    return a.element.kind === "scalarSelect" ? `${a.operator} ${inner}` : `${a.operator} (${inner})`;
  }
  /** A sequence's next value; the display dialect shows SQLAlchemy's `<next sequence value: name>`. */
  visitNextValue(n: NextValue): string {
    return `<next sequence value: ${this.sequenceName(n)}>`;
  }
  protected sequenceName(n: NextValue): string {
    const schema = n.sequence.opts.schema;
    return `${schema ? `${this.quoteIdentifier(schema)}.` : ""}${this.quoteIdentifier(n.sequence.name)}`;
  }

  visitScalarSelect(s: { element: SelectBase }, kw: CompileKw): string {
    return `(${this.process(s.element, { withinColumnsClause: false, ...(kw.unqualified ? { unqualified: false } : {}) })})`;
  }

  // ---- FROM elements ------------------------------------------------------------------------
  visitAlias(a: Alias, kw: CompileKw): string {
    // Compiled on its own, a CTE of a SELECT is that SELECT (SQLAlchemy's StringifySpecialTest
    // test_grouped_selectables_print_alone).
    if (a instanceof CTE && this.statement === a && !kw.asFrom && a.element instanceof SelectBase && a.aliasOf === undefined) {
      return this.process(a.element, {});
    }
    if (a instanceof CTE) return this.visitCteRef(a, kw);
    const name = this.quoteIdentifier(this.fromName(a));
    // A TABLESAMPLE compiled on its own renders whole, as SQLAlchemy's test_standalone shows.
    if (a.aliasKind === "tablesample" && (kw.asFrom || this.statement === a)) return this.renderTableSample(a as TableSample, name);
    // An alias of a subquery, LATERAL or table alias renders the innermost element under the
    // outermost name, as SQLAlchemy's nested-alias handling does (`LATERAL (…) AS alias`).
    let element: FromClause | SelectBase = a.element;
    let lateral = a.aliasKind === "lateral";
    while (element instanceof Alias && !(element instanceof CTE) && element.aliasKind !== "tablesample") {
      lateral ||= element.aliasKind === "lateral";
      element = element.element;
    }
    if (!kw.asFrom) {
      // Compiled on its own, a subquery is its SELECT (SQLAlchemy prints `LATERAL (SELECT …)`).
      if (this.statement === a && element instanceof SelectBase) {
        const sql = this.process(element, {});
        return lateral ? `LATERAL (${sql})` : sql;
      }
      return name;
    }
    if (element instanceof FromClause && isValues(element)) {
      // An alias of VALUES names the VALUES itself: `(VALUES …) AS name (cols)`, as SQLAlchemy's `Values.alias()`.
      const cols = element.columnList.map((c) => this.quoteIdentifier(c.name)).join(", ");
      return `${lateral || element.opts.lateral ? "LATERAL " : ""}(${this.renderValuesBody(element)}) AS ${name} (${cols})`;
    }
    // An alias of a function in FROM renames the function: `fn(…) AS name`, not `fn(…) AS anon_1 AS name`.
    if (element instanceof TableValuedAlias) return this.renderFunctionFrom(element, name, lateral || element.isLateral, kw);
    if (element instanceof FromClause) return `${this.process(element, { asFrom: true })} AS ${name}`;
    const inner = this.compileSubquerySelect(element, lateral);
    return `${lateral ? "LATERAL " : ""}(${inner}) AS ${name}`;
  }
  /** `t AS name TABLESAMPLE method(…) [REPEATABLE (seed)]` (SQLAlchemy's `visit_tablesample`). */
  protected renderTableSample(a: TableSample, name: string): string {
    let text = `${this.process(a.element, { asFrom: true })} AS ${name} TABLESAMPLE ${this.process(a.sampling, {})}`;
    if (a.seed) text += ` REPEATABLE (${this.process(a.seed, {})})`;
    return text;
  }
  /** A textual SELECT: its text, with its declared columns as result columns at top level. */
  visitTextualSelect(t: TextualSelect, kw: CompileKw): string {
    const toplevel = this.stack.length === 0 && !kw.asSubquery && !kw.inCompound;
    // An INSERT … SELECT stays an insert (SQLAlchemy: isinsert).
    if (toplevel && this.statementKind === "other") this.statementKind = "select";
    // Nested, it has a WITH of its own for the CTEs it states nestHere (SQLAlchemy renders the
    // CTE clause of an embedded textual SELECT at its nesting level).
    return this.withCteScope(!toplevel && kw.inCompound !== true, () => {
      this.visitAddedCtes(t);
      const text = this.process(t.element, kw);
      if (toplevel) {
        for (const [i, c] of t.columnList.entries()) {
          // Positional targeting cannot tell which of two places one object addresses (SQLAlchemy raises the same).
          if (t.columnList.indexOf(c) !== i) throw new InvalidRequestError(`Duplicate column expression requested in textual SQL: ${c.describe()}`);
          this.resultColumns.push({ key: c.key ?? c.resultName ?? "", type: c.type, element: c });
        }
      }
      return text;
    });
  }
  private compileSubquerySelect(sel: SelectBase, lateral: boolean): string {
    if (!lateral) this.stack.push({ froms: [], barrier: true });
    try {
      return this.process(sel, { asSubquery: true, exported: sel.exportedColumns() });
    } finally {
      if (!lateral) this.stack.pop();
    }
  }
  private visitCteRef(cte: CTE, kw: CompileKw): string {
    if (cte.aliasOf && !cte.restates) {
      const root = cte.rootCte;
      // Restated under the alias's name (`alias.union(…)`): the alias is that WITH entry.
      if (!this.ctesInProgress.has(root) && !this.scopeFor(cte).ctes.has(root)) {
        const orig = this.visitCteRef(cte.aliasOf, kw);
        const aliasName = this.quoteIdentifier(this.fromName(cte));
        return kw.asFrom ? `${orig} AS ${aliasName}` : aliasName;
      }
    }
    const name = this.quoteIdentifier(this.fromName(cte));
    const root = cte.rootCte;
    const scope = this.scopeFor(cte);
    const existing = scope.ctes.get(root);
    // A restatement (anchor UNION ALL recursive member) replaces the anchor's body.
    const newer = existing !== undefined && existing.cte !== cte && restatesChain(cte).includes(existing.cte);
    if ((existing === undefined || newer) && !this.ctesInProgress.has(root)) {
      if (existing === undefined && cte.name !== undefined) {
        for (const other of scope.ctes.keys()) {
          if (other.name === cte.name) throw new CompileError(`Multiple, unrelated CTEs found with the same name: '${cte.name}'`);
        }
      }
      this.ctesInProgress.add(root);
      if (cte.recursive) scope.recursive = true;
      let body: string;
      let colList = "";
      const el = cte.element;
      if (el instanceof FromClause && isValues(el)) {
        // `name(cols) AS (VALUES …)`: the column list always renders, as SQLAlchemy's visit_values in a CTE.
        if (el.opts.lateral) throw new CompileError("Can't use a LATERAL VALUES expression inside of a CTE");
        if (el.opts.invalid !== undefined) throw new ArgumentError(el.opts.invalid);
        body = this.renderValuesBody(el);
        colList = `(${el.columnList.map((c) => this.quoteIdentifier(c.name)).join(", ")})`;
      } else if ((el as unknown) instanceof UpdateBase) {
        // `name AS (INSERT … RETURNING …)`: the DML body; the enclosing statement keeps its own
        // kind and result columns (SQLAlchemy: a SELECT over an INSERT CTE is not an insert).
        const kind = this.statementKind;
        const results = this.resultColumns;
        this.resultColumns = [];
        this.nestedDmlDepth++;
        try {
          body = this.process(el, {});
        } finally {
          this.nestedDmlDepth--;
          this.statementKind = kind;
          this.resultColumns = results;
        }
      } else {
        const sel = el as SelectBase;
        body = this.compileSubquerySelect(sel, false);
        if (cte.recursive) colList = `(${sel.exportedColumns().map((c) => this.quoteIdentifier(this.exportedName(c))).join(", ")})`;
      }
      // A restatement replacing an earlier (anchor) entry moves to the end, after the CTEs that
      // referenced the anchor, as SQLAlchemy re-adds it (`WITH bar AS (… cte …), cte(x) AS (…)`).
      if (newer) scope.ctes.delete(root);
      // Prefixes and suffixes for this dialect, as SQLAlchemy's `_generate_prefixes` (a suffix
      // clause renders its leading space even when none applies).
      const affix = (list: CTE["prefixes"]) => list.filter((a) => a.dialect === undefined || a.dialect === this.dialect.name).map((a) => `${a.text} `).join("");
      const suffix = cte.suffixes.length ? ` ${affix(cte.suffixes)}` : "";
      scope.ctes.set(root, { cte, sql: `${name}${colList} AS ${affix(cte.prefixes)}\n(${body})${suffix}` });
      this.ctesInProgress.delete(root);
    }
    return name;
  }
  /**
   * Register a statement's `addCte()` CTEs; `nestHere` ones belong to this statement's WITH.
   * @throws CompileError when a CTE is stated `nestHere` in two statements.
   */
  private visitAddedCtes(s: GenerativeSelect | TextualSelect): void {
    for (const c of s.nestHereCtes) {
      const owner = this.nestHere.get(c.rootCte);
      if (owner !== undefined && owner !== s) throw new CompileError("CTE is stated as 'nest_here' in more than one location");
      this.nestHere.set(c.rootCte, s);
    }
    for (const c of s.independentCtes) this.visitCteRef(c, {});
  }
  /**
   * The WITH clause a CTE belongs to: a `nesting` CTE's is that of the SELECT referring to it
   * (SQLAlchemy's `cte(nesting=True)`), any other's the statement's.
   */
  private scopeFor(cte: CTE): CteScope {
    const root = cte.rootCte;
    if (!(root.nesting || this.nestHere.has(root)) || this.cteScopes.length === 0) return this.rootScope;
    // Already in an enclosing WITH: visible here, so it is not repeated.
    for (let i = this.cteScopes.length - 1; i >= 0; i--) if (this.cteScopes[i].ctes.has(root)) return this.cteScopes[i];
    if (this.rootScope.ctes.has(root)) return this.rootScope;
    return this.cteScopes[this.cteScopes.length - 1];
  }
  private prependCtes(text: string, scope: CteScope = this.rootScope): string {
    if (scope.ctes.size === 0) return text;
    return `WITH ${scope.recursive ? "RECURSIVE " : ""}${[...scope.ctes.values()].map((e) => e.sql).join(", ")}\n ${text}`;
  }
  /** Compile a nested SELECT with its own WITH clause for the nesting CTEs it refers to. */
  private withCteScope(nested: boolean, render: () => string): string {
    if (!nested) return render();
    const scope: CteScope = { ctes: new Map(), recursive: false };
    this.cteScopes.push(scope);
    try {
      return this.prependCtes(render(), scope);
    } finally {
      this.cteScopes.pop();
    }
  }
  visitJoin(j: Join, kw: CompileKw): string {
    const kind = j.full ? " FULL OUTER JOIN " : j.isOuter ? " LEFT OUTER JOIN " : " JOIN ";
    const inner = { asFrom: true, ...(kw.lateral ? { lateral: true } : {}) };
    // Left, right, then ON: anonymous aliases are numbered in the order the text shows them.
    const left = this.process(j.left, inner);
    // A join on the right is grouped, as SQLAlchemy's Join self-groups its right side: `a JOIN (b JOIN c ON …) ON …`.
    const right = this.process(j.right, inner);
    return `${left}${kind}${j.right instanceof Join ? `(${right})` : right} ON ${this.process(j.onclause, {})}`;
  }
  /**
   * `(VALUES …) AS name (cols)` in FROM; an unnamed VALUES renders bare, `(VALUES …)`, and
   * `LATERAL` precedes a lateral one (SQLAlchemy's `visit_values`).
   * @throws ArgumentError for a row of the wrong width; CompileError without rows.
   */
  visitValues(v: Values, kw: CompileKw): string {
    if (v.opts.invalid !== undefined) throw new ArgumentError(v.opts.invalid);
    if (!kw.asFrom) return v.unnamed ? "" : this.quoteIdentifier(this.fromName(v));
    const body = this.renderValuesBody(v);
    const lateral = v.opts.lateral ? "LATERAL " : "";
    if (v.unnamed) return `${lateral}(${body})`;
    const name = this.quoteIdentifier(this.fromName(v));
    const cols = v.columnList.map((c) => this.quoteIdentifier(c.name)).join(", ");
    return `${lateral}(${body}) AS ${name} (${cols})`;
  }
  /** `VALUES (…), (…)`, inline literals when the construct asks for `literalBinds`. */
  protected renderValuesBody(v: Values): string {
    if (v.rows.length === 0) throw new CompileError(`VALUES construct '${v.describeName()}' has no rows; call .data([...])`);
    const literal = v.opts.literalBinds === true;
    const one = (x: ColumnElement<unknown, string>) =>
      literal && x instanceof BindParameter && !x.required ? this.renderLiteral(x.effectiveValue(), x.type) : this.process(x, { bindCast: true });
    return `VALUES ${v.rows.map((r) => `(${r.map(one).join(", ")})`).join(", ")}`;
  }

  // ---- SELECT -------------------------------------------------------------------------------
  /**
   * The FROMs a SELECT renders after correlation (SQLAlchemy's `_get_display_froms`): explicit
   * `correlate()` / `correlateExcept()` look at every enclosing SELECT; auto-correlation only at
   * the immediately enclosing one, and only when the SELECT has more than one FROM.
   */
  private displayFroms(s: Select): FromClause[] {
    let froms = s.resolveFroms();
    const { explicit, implicit } = this.correlationCandidates();
    if (froms.length === 0) return froms;
    if (s.correlateTo !== undefined || s.correlateExceptTo !== undefined) {
      if (s.correlateTo !== undefined && s.correlateTo.length > 0) {
        const to = new Set(s.correlateTo);
        froms = froms.filter((f) => !(to.has(f) && explicit.includes(f)));
      }
      if (s.correlateExceptTo !== undefined) {
        const except = new Set(s.correlateExceptTo);
        froms = froms.filter((f) => except.has(f) || !explicit.includes(f));
      }
      return froms;
    }
    // SQLAlchemy auto-correlates only a SELECT with more than one FROM: a lone FROM stays,
    // so `(SELECT t.id FROM t)` inside a SELECT of t is uncorrelated.
    if (implicit.length === 0 || froms.length < 2) return froms;
    const before = froms;
    froms = froms.filter((f) => !implicit.includes(f));
    if (froms.length === 0) {
      throw new InvalidRequestError(
        `Select statement returned no FROM clauses due to auto-correlation; specify correlate(<tables>) to control correlation manually (correlated: ${before.map((f) => f.describeName()).join(", ")})`,
      );
    }
    return froms;
  }

  /**
   * The enclosing FROMs a SELECT may correlate to (SQLAlchemy's `correlate_froms` /
   * `asfrom_froms`): explicit correlation sees every enclosing SELECT's FROMs, automatic only the
   * immediately enclosing one's. A subquery in FROM (below a barrier frame) never
   * auto-correlates, and its own SELECT's FROMs are not candidates even explicitly.
   */
  private correlationCandidates(): { explicit: FromClause[]; implicit: FromClause[] } {
    const all: FromClause[] = [];
    let immediate: FromClause[] | undefined;
    let asFrom = false;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const f = this.stack[i];
      if (f.barrier) {
        if (immediate === undefined) asFrom = true;
        continue;
      }
      const covered = f.froms.flatMap((x) => x.coveredFroms());
      immediate ??= covered;
      all.push(...covered);
    }
    if (!asFrom) return { explicit: all, implicit: immediate ?? [] };
    const own = immediate ?? [];
    return { explicit: all.filter((f) => !own.includes(f)), implicit: [] };
  }

  visitSelect(s: Select, kw: CompileKw): string {
    // A member of a compound shares the compound's WITH (`(WITH n AS (…) SELECT … UNION SELECT …)`).
    return this.withCteScope(this.stack.length > 0 && kw.inCompound !== true, () => this.renderSelect(s, kw));
  }
  private renderSelect(s: Select, kw: CompileKw): string {
    const toplevel = this.stack.length === 0;
    // An INSERT … SELECT stays an insert (SQLAlchemy: isinsert).
    if (toplevel && this.statementKind === "other") this.statementKind = "select";
    // CTEs added with addCte() come first in WITH, as SQLAlchemy visits them before the statement.
    this.visitAddedCtes(s);
    const froms = this.displayFroms(s);
    this.stack.push({ froms, barrier: false });
    try {
      const exported = kw.asSubquery ? (kw.exported ?? s.exportedColumns()) : undefined;
      const cols = s.selectedColumns;
      if (cols.length === 0 && !s.rawColumns.some(isTextColumns)) throw new CompileError("SELECT construct has no columns; pass columns or tables to select()");
      const labels = new Set<Label<unknown, string>>();
      const record = toplevel && !kw.asSubquery && !kw.inCompound;
      // At top level the label style names the columns (a subquery's names come from `exported`).
      // Each member of a compound is labelled after its own style too (`… UNION SELECT t.x AS t_x`).
      const names = (record || kw.inCompound === true) && !exported && s.labelStyle === LABEL_STYLE_TABLENAME_PLUS_COL ? s.labelNames(this.resolveFromName) : undefined;
      // The default style names each column once: later same-named columns are relabelled
      // (SQLAlchemy 2.0's LABEL_STYLE_DISAMBIGUATE_ONLY); a subquery's names come from `exported`.
      const seen = !exported && s.labelStyle === LABEL_STYLE_DISAMBIGUATE_ONLY ? new Map<string, object>() : undefined;
      const renderOne = (c: ColumnElement<unknown, string>, i: number) => {
        if (c instanceof Label) labels.add(c);
        const n = names?.[i];
        const own = exported?.[i] ?? (n !== undefined && n !== c.resultName ? { name: n, element: c } : undefined);
        return this.renderColumnsClauseElement(c, record, own, seen);
      };
      let rendered: string[];
      if (s.rawColumns.some(isTextColumns)) {
        // text() in the columns clause renders in place, as written, between the selected columns.
        rendered = [];
        let i = 0;
        for (const raw of s.rawColumns) {
          if (isTextColumns(raw)) {
            rendered.push(this.process(raw, {}));
            if (record) this.resultColumns.push({ key: raw.element.text, type: NULLTYPE, element: raw });
            continue;
          }
          const n = raw instanceof FromClause ? raw.columnList.length : raw instanceof ColumnElement ? 1 : (raw as { _columnsClauseElements(): readonly unknown[] })._columnsClauseElements().length;
          for (let k = 0; k < n; k++, i++) rendered.push(renderOne(cols[i], i));
        }
      } else rendered = cols.map(renderOne);
      let text = "SELECT ";
      if (s.prefixes.length) text += this.affixes(s.prefixes);
      const resolveLabel = (name: string) => selectLabelTarget(s, froms, name);
      if (s.isDistinct) text += this.renderDistinct(s, { resolveLabel });
      text += rendered.join(", ");
      if (froms.length) text += ` \nFROM ${froms.map((f) => this.process(f, { asFrom: true })).join(", ")}`;
      const where = nonEmptyCriteria(s.whereCriteria);
      if (where.length) text += ` \nWHERE ${this.process(andCriteria(where), {})}`;
      if (this.options.lintFroms) this.lintFroms("SELECT", froms, where);
      if (s.groupByClauses.length) text += ` GROUP BY ${s.groupByClauses.map((g) => this.process(g, { resolveLabel })).join(", ")}`;
      const having = nonEmptyCriteria(s.havingCriteria);
      if (having.length) text += ` \nHAVING ${this.process(andCriteria(having), {})}`;
      if (s.orderByClauses.length) text += ` ORDER BY ${s.orderByClauses.map((o) => this.process(o, { withinOrderBy: true, resolveLabel, ...orderByLabelOf(o, labels) })).join(", ")}`;
      text += s.fetchClause ? this.fetchClause(s) : this.limitClause(s.limitClause, s.offsetClause);
      if (s.forUpdateArg) text += this.forUpdateClause(s);
      // SQLAlchemy's suffixes keep their trailing space (`… FROM t SUFFIX `).
      if (s.suffixes.length) {
        const suffix = this.affixes(s.suffixes);
        if (suffix) text += ` ${suffix}`;
      }
      return text;
    } finally {
      this.stack.pop();
    }
  }

  /** `DISTINCT ` / `DISTINCT ON (…) `; `kw` resolves the names given as strings (SELECT-list labels, FROM columns). */
  protected renderDistinct(s: Select, kw: CompileKw): string {
    if (s.distinctOn.length) return `DISTINCT ON (${s.distinctOn.map((c) => this.process(c, kw)).join(", ")}) `;
    return "DISTINCT ";
  }

  /**
   * Render one SELECT-list element, labelling as SQLAlchemy does, and record result columns at
   * top level. `seen` (name -> the element that took it) is given for the default label style.
   */
  private renderColumnsClauseElement(c: ColumnElement<unknown, string>, record: boolean, exported: ExportedColumn | undefined, seen: Map<string, object> | undefined): string {
    let label: string | undefined;
    let key: string;
    // A column, or something standing for one (an ORM attribute renders as its column).
    const col = c instanceof ColumnClause ? c : columnBehind(c);
    if (c instanceof Label) {
      // An explicit label is never renamed, even when another column took its name (1.4 allows duplicates).
      const name = c.anonymous ? this.labelName(c) : (exported?.name ?? c.name);
      key = label = name;
      if (seen && !seen.has(name)) seen.set(name, c);
    } else if (exported) {
      // Inside a subquery or CTE a table column is always labelled (`mytable.myid AS myid`) and an
      // anonymous expression takes its statement-wide name (SQLAlchemy's `_label_select_column`
      // with `asfrom`); a table-less or literal column renders as given.
      const name = exported.tqOf !== undefined ? this.exportedName(exported) : exported.name;
      key = name;
      const anon = isAnonymouslyNamed(c, true) ? anonymousBase(c) : undefined;
      if (anon) label = this.anonName(anon.named, anon.base);
      else if (col ? col.table !== undefined || col.name !== name : !(c instanceof LiteralColumn) && c.kind !== "star") label = name;
    } else if (col) {
      key = c.key ?? col.key;
      // A table-less column renders as given, never labelled (SQLAlchemy's `_render_label_in_columns_clause`).
      const renamed = seen && col.table ? this.disambiguate(col.name, col, seen) : undefined;
      if (renamed !== undefined) key = label = renamed;
    } else if (c instanceof LiteralColumn || c.kind === "star") key = c instanceof LiteralColumn ? c.text : "*";
    else if (wrappedNamedColumn(c) !== undefined) key = wrappedNamedColumn(c)!.key;
    // `(fn(…)).name` is a named column, unlabelled as a table-less column is (SQLAlchemy's NamedColumn).
    else if (c instanceof ScalarFunctionColumn) key = c.name;
    else if ((c instanceof Cast || c.kind === "typeCoerce") && c.resultName !== undefined) {
      key = label = c.resultName;
      // A CAST named after its column takes the "dedupe" form when the name is taken: `AS v1__1`.
      if (seen?.has(label)) key = label = this.anonName({}, `${label}_`);
      else seen?.set(label, c);
    } else {
      const { named, base } = anonymousBase(c);
      label = this.anonName(named, base);
      // The same anonymous expression repeated: `count(*) AS count_1, count(*) AS count__1`.
      if (seen?.get(label) === named) label = this.anonName({}, `${base}_`);
      else seen?.set(label, named);
      key = label;
    }
    // Rendered after the label is named: labels and bind names share one counter per name, so
    // SQLAlchemy's `lower(:lower_2) AS lower_1` comes out the same.
    // A label's element renders without its own AS (a label nested in CAST or an operator never
    // renders one); the label is applied here, around any type column expression.
    let text = this.process(c instanceof Label ? c.element : c, { bindCast: true });
    if (record) {
      const wrapped = this.isDisplay ? undefined : c.type.columnExpression(this.dialect.typeDialect, text);
      if (wrapped !== undefined) {
        text = wrapped;
        if (!label && !(c instanceof Label)) label = col ? col.name : key;
      }
      this.resultColumns.push({ key, type: c.type, element: c });
    }
    return label ? `${text} AS ${this.quoteIdentifier(label, col === undefined ? undefined : this.labelQuote(col, label))}` : text;
  }

  /**
   * The quote flag a column's label inherits: its own name's flag, and for the
   * `<table>_<column>` label the column's flag, else its table's (SQLAlchemy's `_gen_tq_label`
   * keeping `quoted_name.quote`).
   */
  private labelQuote(col: ColumnClause<unknown, string>, label: string): boolean | undefined {
    if (label === col.name) return col.quote;
    if (label !== tqLabel(col, this.resolveFromName)) return undefined;
    return col.quote ?? (col.table instanceof TableClause ? col.table.quote : undefined);
  }

  /**
   * The label of a table column whose name may already be taken in this SELECT list (SQLAlchemy
   * 2.0's LABEL_STYLE_DISAMBIGUATE_ONLY): undefined for the first use of a name; `<name>_<n>` for
   * another column of that name; `<name>__<n>` (a "dedupe" label, unique per occurrence) for the
   * same column repeated. `_<n>` shares the anonymous-name counters with bind names, as
   * SQLAlchemy's anon map does.
   */
  private disambiguate(name: string, col: ColumnClause<unknown, string>, seen: Map<string, object>): string | undefined {
    const prev = seen.get(name);
    if (prev === undefined) {
      seen.set(name, col);
      return undefined;
    }
    if (prev !== col) {
      const anon = this.anonName(col, name);
      if (!seen.has(anon)) {
        seen.set(anon, col);
        return anon;
      }
    }
    return this.anonName({}, `${name}_`);
  }

  /**
   * ` LIMIT … OFFSET …`; an OFFSET alone renders `LIMIT -1 OFFSET n`, as SQLAlchemy's default
   * compiler (and SQLite, which needs the LIMIT) do.
   */
  protected limitClause(limit: ColumnElement<unknown, string> | undefined, offset: ColumnElement<unknown, string> | undefined): string {
    let s = "";
    if (limit) s += `\n LIMIT ${this.process(limit, {})}`;
    if (offset) {
      if (!limit) s += "\n LIMIT -1";
      s += ` OFFSET ${this.process(offset, {})}`;
    }
    return s;
  }
  /** `OFFSET n ROWS FETCH FIRST m [PERCENT] ROWS ONLY|WITH TIES` (SQLAlchemy's `fetch_clause`). */
  protected fetchClause(s: GenerativeSelect): string {
    return this.renderFetch(s, (sql) => sql);
  }
  /** @internal */
  protected renderFetch(s: GenerativeSelect, wrap: (sql: string) => string): string {
    let text = "";
    if (s.offsetClause) text += `\n OFFSET ${wrap(this.process(s.offsetClause, {}))} ROWS`;
    const o = s.fetchOptions;
    text += `\n FETCH FIRST ${wrap(this.process(s.fetchClause!, {}))}${o?.percent ? " PERCENT" : ""} ROWS ${o?.withTies ? "WITH TIES" : "ONLY"}`;
    return text;
  }
  /** ` FOR UPDATE`: the display dialect ignores the options, as SQLAlchemy's base compiler does. */
  protected forUpdateClause(_s: Select): string {
    return " FOR UPDATE";
  }

  /**
   * @throws CompileError when the members select different numbers of columns (SQLAlchemy's
   *   "All selectables passed to CompoundSelect must have identical numbers of columns; …").
   */
  visitCompoundSelect(c: CompoundSelect, kw: CompileKw): string {
    // A compound inside a compound is parenthesised, so it takes its own WITH: `… UNION ALL (WITH xx AS (…) SELECT …)`.
    return this.withCteScope(this.stack.length > 0 || kw.inCompound === true, () => this.renderCompoundSelect(c, kw));
  }
  private renderCompoundSelect(c: CompoundSelect, kw: CompileKw): string {
    const n0 = c.selects[0].selectedColumns.length;
    c.selects.forEach((s, i) => {
      const n = s.selectedColumns.length;
      if (n !== n0) {
        throw new CompileError(
          `All selectables passed to CompoundSelect must have identical numbers of columns; select #1 has ${n0} columns, select #${i + 1} has ${n}`,
        );
      }
    });
    const toplevel = this.stack.length === 0;
    // An INSERT … SELECT stays an insert (SQLAlchemy: isinsert).
    if (toplevel && this.statementKind === "other") this.statementKind = "select";
    this.visitAddedCtes(c);
    const parts = c.selects.map((s, i) => {
      const isSel = s instanceof Select;
      // A member with ORDER BY or any row-limiting clause is grouped (SQLAlchemy's `_needs_parens_for_grouping`).
      const limited = isSel && (s.limitClause !== undefined || s.offsetClause !== undefined || s.fetchClause !== undefined);
      const needsParens = (isSel && (s.orderByClauses.length > 0 || limited)) || s instanceof CompoundSelect;
      const before = this.resultColumns.length;
      const sub = this.process(s, { ...kw, inCompound: i > 0 || !toplevel || kw.asSubquery === true, exported: i === 0 && kw.asSubquery ? kw.exported : undefined });
      if (i > 0) this.resultColumns.length = before;
      return needsParens ? this.parenthesizeCompoundMember(sub) : sub;
    });
    let text = parts.join(` ${c.keyword} `);
    // A compound's ORDER BY names the first SELECT's columns (SQLAlchemy's CompoundSelectState).
    const resolveLabel = (name: string) => c.selects[0]?.selectedColumns.find((x) => (x instanceof Label ? x.name : x.key) === name);
    if (c.orderByClauses.length) text += ` ORDER BY ${c.orderByClauses.map((o) => this.process(o, { withinOrderBy: true, unqualified: true, resolveLabel })).join(", ")}`;
    text += c.fetchClause ? this.fetchClause(c) : this.limitClause(c.limitClause, c.offsetClause);
    return text;
  }
  protected parenthesizeCompoundMember(sql: string): string {
    return `(${sql})`;
  }

  /**
   * SQLAlchemy 1.4's FROM linter: warn (CartesianProductWarning) when the FROMs of a SELECT,
   * UPDATE or DELETE are not all connected. JOINs connect their sides (even `ON true`); a
   * comparison in WHERE connects the FROMs of its two sides; a LATERAL subquery's comparisons
   * connect it to the FROMs it refers to. A function FROM made with `joinsImplicitly` is skipped.
   */
  private lintFroms(kind: "SELECT" | "UPDATE" | "DELETE", allFroms: readonly FromClause[], where: readonly ClauseElement[]): void {
    const froms = allFroms.filter((f) => !(f instanceof TableValuedAlias && f.opts.joinsImplicitly === true));
    if (froms.length < 2) return;
    const index = (t: FromClause): number => froms.findIndex((f) => f === t || f.coveredFroms().includes(t));
    const parent = froms.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    const connect = (left: readonly FromClause[], right: readonly FromClause[]) => {
      for (const l of left) for (const r of right) {
        const a = index(l);
        const b = index(r);
        if (a >= 0 && b >= 0) parent[find(a)] = find(b);
      }
    };
    const visit = (e: unknown, lateral?: FromClause): void => {
      if (!(e instanceof ClauseElement) || e instanceof ColumnClause || e instanceof SelectBase || e.kind === "scalarSelect") return;
      if (e instanceof BinaryExpression && COMPARISON_OPERATORS.has(e.operator)) {
        const l: FromClause[] = [];
        const r: FromClause[] = [];
        fromsOf(e.left, l);
        fromsOf(e.right, r);
        connect(lateral ? [...l, lateral] : l, lateral ? [...r, lateral] : r);
      }
      const rec = e as unknown as Record<string, unknown>;
      for (const k of ["left", "right", "element", "clauses"]) {
        const v = rec[k];
        if (Array.isArray(v)) for (const x of v) visit(x, lateral);
        else visit(v, lateral);
      }
    };
    for (const w of where) visit(w);
    for (const f of froms) {
      for (const leaf of f.coveredFroms()) {
        if (leaf instanceof Alias && leaf.aliasKind === "lateral" && leaf.element instanceof Select) {
          for (const w of leaf.element.whereCriteria) visit(w, leaf);
        }
      }
    }
    const first = find(0);
    const rest = froms.filter((_, i) => find(i) !== first);
    if (rest.length === 0) return;
    // As SQLAlchemy, which lints the tables inside JOINs one by one, names are of single FROMs.
    const leaves = (f: FromClause) => (f instanceof Join ? f.coveredFroms().filter((x) => !(x instanceof Join)) : [f]);
    const names = rest.flatMap(leaves).map((f) => `"${this.linterName(f)}"`);
    warn(
      new CartesianProductWarning(
        `${kind} statement has a cartesian product between FROM element(s) ${names.join(", ")} and FROM element "${this.linterName(leaves(froms[0])[0])}".  Apply join condition(s) between each element to resolve.`,
      ),
    );
  }
  /** A FROM as the linter names it: a table's full name, an alias's or CTE's rendered name. */
  private linterName(f: FromClause): string {
    if (f instanceof TableClause && !(f instanceof Alias)) return f.fullname;
    if (isValues(f) && f.unnamed) return "(unnamed VALUES element)";
    try {
      return this.fromName(f);
    } catch {
      return f.describeName();
    }
  }

  // ---- DML ----------------------------------------------------------------------------------
  protected dmlTableName(t: TableClause): string {
    return this.qualifiedFromName(t);
  }
  /** The UPDATE/DELETE target: the table, with ` AS name` when an alias is the target. */
  private dmlTarget(stmt: AnyUpdate | AnyDelete): string {
    const alias = stmt.targetAlias;
    return alias ? `${this.dmlTableName(stmt.table)} AS ${this.quoteIdentifier(this.fromName(alias))}` : this.dmlTableName(stmt.table);
  }

  visitInsert(ins: AnyInsert, _kw: CompileKw): string {
    this.statementKind = "insert";
    if (ins.mixedValueFormats) throw new InvalidRequestError("Can't mix single and multiple VALUES formats in one INSERT statement");
    if (ins.unconsumedKeys.length) throw new CompileError(`Unconsumed column names: ${ins.unconsumedKeys.join(", ")}`);
    if (ins.isMultiValues && ins.sortByParameterOrder && ins.returningColumns.length) {
      throw new CompileError("RETURNING cannot be deterministically sorted when using an INSERT which includes multi-row values().");
    }
    for (const c of ins.independentCtes) this.visitCteRef(c, {});
    const table = ins.table;
    let text = `INSERT ${this.dmlPrefixes(ins)}INTO ${this.dmlTableName(table)}`;
    const cols = table.columnList as readonly ColumnClause<unknown, string>[];
    // SELECTs inside the INSERT (its FROM SELECT, subqueries in VALUES) are not the statement: their
    // columns are no result columns, and nothing correlates to the target, which is no FROM.
    this.stack.push({ froms: [], barrier: false });
    try {
      if (ins.fromSelectStmt) {
        const named = ins.fromSelectColumns!;
        // SQLAlchemy's crud: columns with client-side defaults that the SELECT does not provide are added to it.
        const extras = ins.includeDefaults ? cols.filter((c): c is ColumnImpl => !named.includes(c) && this.hasInsertDefault(c)) : [];
        let sel: ClauseElement = ins.fromSelectStmt instanceof FromClause ? new Select([ins.fromSelectStmt]) : ins.fromSelectStmt;
        if (extras.length) {
          if (!(sel instanceof Select)) {
            throw new CompileError(
              `Can't extend statement for INSERT..FROM SELECT to include additional default-holding column(s) ${extras.map((c) => `'${c.key}'`).join(", ")}.  ` +
                "Convert the selectable to a subquery() first, or pass include_defaults=False to Insert.from_select() to skip these columns.",
            );
          }
          sel = sel.addColumns(...extras.map((c) => this.fromSelectDefault(c)));
        }
        text += ` (${[...named, ...extras].map((c) => this.quoteIdentifier(c.name, c.quote)).join(", ")}) ${this.process(sel, {})}`;
      } else {
        const rows = ins.valueRows;
        const keys = this.options.columnKeys;
        const given = new Set<ColumnClause<unknown, string>>(rows ? rows[0].keys() : []);
        if (keys && !ins.isMultiValues) {
          // Execution parameters name columns; others must name a bindparam() of the statement.
          const isBindKey = this.statementBindKeys(ins);
          const unknown: string[] = [];
          for (const k of keys) {
            // A key naming a column binds it, even when a bindparam() shares the name (SQLAlchemy then reports the clash).
            const c = cols.find((x) => x.key === k) ?? cols.find((x) => x.name === k);
            if (c) given.add(c);
            else if (!isBindKey(k)) unknown.push(k);
          }
          if (unknown.length) throw new CompileError(`Unconsumed column names: ${unknown.join(", ")}`);
        } else if (!rows) for (const c of cols) given.add(c);
        this.checkReservedBindNames(ins, this.crudNames(given, rows?.[0]));
        this.warnPkWithoutValue(table, given);
        // Table order, with default-holding columns where they stand (SQLAlchemy's crud._scan_cols).
        const all = cols.filter((c) => given.has(c) || this.hasInsertDefault(c));
        const metavalue = this.defaultMetavalueToken();
        if (all.length === 0 && this.options.forExecutemany && !ins.isMultiValues && metavalue !== undefined && cols.length > 0) {
          // SQLAlchemy's crud: DEFAULT VALUES becomes `(firstcol) VALUES (DEFAULT)` so that an
          // executemany can still run as one multi-row INSERT.
          this.insertManyMarked = true;
          text += ` (${this.quoteIdentifier(cols[0].name, cols[0].quote)}) VALUES ${IM_START}(${metavalue})${IM_END}`;
        } else if (all.length === 0) {
          text += this.defaultValuesClause();
        } else {
          text += ` (${all.map((c) => this.quoteIdentifier(c.name, c.quote)).join(", ")}) VALUES `;
          if (rows && rows.length > 1) {
            text += rows.map((row, i) => this.withDmlValues("INSERT", row, () => `(${all.map((c) => this.insertValue(c, row, i === 0 ? given.has(c) : row.has(c), i)).join(", ")})`)).join(", ");
          } else {
            const row = rows?.[0];
            const single = this.withDmlValues("INSERT", row, () => `(${all.map((c) => this.insertValue(c, row, given.has(c), 0)).join(", ")})`);
            if (!rows && this.options.forExecutemany) {
              this.insertManyMarked = true;
              text += `${IM_START}${single}${IM_END}`;
            } else text += single;
          }
        }
      }
      text += this.dmlExtensions(ins);
    } finally {
      this.stack.pop();
    }
    text += this.returningClause(ins);
    return text;
  }
  /**
   * SQLAlchemy's `_warn_pk_with_no_anticipated_value`: a primary key column the INSERT leaves
   * out that has no default, server default, sequence or identity, is not the table's
   * autoincrement column and is not nullable will most likely fail with NULL.
   */
  private warnPkWithoutValue(table: TableClause, given: ReadonlySet<ColumnClause<unknown, string>>): void {
    if (!(table instanceof TableImpl)) return;
    const pk = table.primaryKey.columns as readonly ColumnImpl[];
    if (pk.length === 0) return;
    let autoinc: ColumnImpl | undefined;
    try {
      autoinc = table.autoincrementColumn;
    } catch {
      // A misconfigured autoincrement column is reported by DDL, not by this warning.
      autoinc = undefined;
    }
    for (const c of pk) {
      if (given.has(c) || c === autoinc || c.nullable) continue;
      if (c.default !== undefined || c.sequence !== undefined || c.serverDefault !== undefined || c.identity !== undefined || c.computed !== undefined) continue;
      const name = table.describeName();
      let msg =
        `Column '${name}.${c.name}' is marked as a member of the primary key for table '${name}', but has no Python-side or server-side default generator indicated, ` +
        "nor does it indicate 'autoincrement=True' or 'nullable=True', and no explicit value is passed.  Primary key columns typically may not store NULL.";
      if (pk.length > 1) {
        msg +=
          " Note that as of SQLAlchemy 1.1, 'autoincrement=True' must be indicated explicitly for composite (e.g. multicolumn) primary keys if " +
          "AUTO_INCREMENT/SERIAL/IDENTITY behavior is expected for one of the columns in the primary key. CREATE TABLE statements are impacted by this change as well on most backends.";
      }
      warn(new AthanorWarning(msg));
    }
  }
  /**
   * The token of `INSERT INTO t (col) VALUES (token)` that stands for "the column's default"
   * (SQLAlchemy's `default_metavalue_token`); undefined where the dialect has none, and an
   * executemany of empty rows renders DEFAULT VALUES.
   */
  protected defaultMetavalueToken(): string | undefined {
    return undefined;
  }
  /** The values of the INSERT row or UPDATE SET being rendered, for {@link visitFromDmlColumn}. */
  private dmlValues: { readonly kind: "INSERT" | "UPDATE"; readonly render: (c: ColumnClause<unknown, string>) => string | undefined; readonly resolving: Set<ColumnClause<unknown, string>> } | undefined;
  /**
   * Render a VALUES row or SET clause with `fromDmlColumn()` references resolving to `row`'s
   * values: a given value, else a SQL-expression default (INSERT) or onupdate (UPDATE).
   */
  private withDmlValues(kind: "INSERT" | "UPDATE", row: ReadonlyMap<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined, render: () => string): string {
    const prev = this.dmlValues;
    this.dmlValues = {
      kind,
      resolving: new Set(),
      render: (c) => {
        const v = row?.get(c);
        if (v !== undefined) return v instanceof BindParameter ? this.visitBindParam(v, {}, c instanceof ColumnImpl ? { column: c } : {}) : this.processDmlValue(v, kind === "INSERT" ? { bindCast: true } : {});
        if (!(c instanceof ColumnImpl)) return undefined;
        const generated = kind === "INSERT" ? c.default : c.onupdate;
        return isSqlDefault(generated) ? this.processDmlValue(generated) : undefined;
      },
    };
    try {
      return render();
    } finally {
      this.dmlValues = prev;
    }
  }
  /** Render `c`'s own VALUES/SET entry: a `fromDmlColumn(c)` inside it cannot refer to that same value. */
  private ownDmlValue(c: ColumnClause<unknown, string>, render: () => string): string {
    const ctx = this.dmlValues;
    if (ctx === undefined || ctx.resolving.has(c)) return render();
    ctx.resolving.add(c);
    try {
      return render();
    } finally {
      ctx.resolving.delete(c);
    }
  }
  /**
   * `fromDmlColumn(col)`: the value the statement gives `col`, rendered again (SQLAlchemy's
   * `visit_dmltargetcopy` and crud's `_replace_bindmarkers`). In an UPDATE a column without a
   * new value, or one referring to itself, renders as the column.
   * @throws CompileError outside INSERT/UPDATE values, or for an INSERT column with no value.
   */
  visitFromDmlColumn(e: FromDmlColumn, kw: CompileKw): string {
    const ctx = this.dmlValues;
    if (ctx === undefined) throw new CompileError("DML target objects may only be used with compiled INSERT or UPDATE statements");
    const col = e.column;
    let rendered: string | undefined;
    if (!ctx.resolving.has(col)) {
      ctx.resolving.add(col);
      try {
        rendered = ctx.render(col);
      } finally {
        ctx.resolving.delete(col);
      }
    }
    if (rendered !== undefined) return rendered;
    if (ctx.kind === "UPDATE") return this.process(col, kw);
    throw new CompileError(`Can't resolve referenced column name in INSERT statement: '${col.key}'`);
  }
  /** `prefixWith()` words for this dialect, each followed by a space. */
  private dmlPrefixes(stmt: AnyDml): string {
    return this.affixes(stmt.prefixes);
  }
  /** `prefixWith()` / `suffixWith()` words for this dialect, each followed by a space (SQLAlchemy's `_generate_prefixes`). */
  private affixes(words: readonly StatementAffix[]): string {
    return words.filter((p) => p.dialect === undefined || p.dialect === this.dialect.name).map((p) => `${p.text} `).join("");
  }
  /**
   * Whether an execution parameter key names a bind parameter of the statement rather than a
   * column: a `bindparam()` key, or the compiled name of an anonymous one (`myid_1`).
   */
  /**
   * Execution keys of an UPDATE that name no column must name one of its parameters, including
   * a text() `:name`, which exists only once rendered.
   * @throws CompileError "Unconsumed column names: …" for keys that feed nothing.
   */
  private checkUnconsumedKeys(u: AnyUpdate, keys: readonly string[]): void {
    if (keys.length === 0) return;
    const isBindKey = this.statementBindKeys(u);
    const rendered = new Set(this.slots.map((s) => s.name));
    const unknown = keys.filter((k) => !rendered.has(k) && !isBindKey(k));
    if (unknown.length) throw new CompileError(`Unconsumed column names: ${unknown.join(", ")}`);
  }
  private statementBindKeys(stmt: AnyDml): (key: string) => boolean {
    const binds = this.options.bindIndex ? [...this.options.bindIndex.keys()] : generateCacheKey(stmt).binds;
    const named = new Set<string>();
    const anon = new Set<string>();
    for (const b of binds) (b.unique ? anon : named).add(b.bindKey);
    return (k) => named.has(k) || (anon.size > 0 && /_\d+$/.test(k) && anon.has(k.replace(/_\d+$/, "")));
  }
  /**
   * SQLAlchemy reserves the names of the parameters an INSERT/UPDATE makes for its columns
   * ("crud" binds): a `bindparam()` of such a name elsewhere in the statement is a CompileError.
   * `autoNames` are the names of those parameters.
   */
  private checkReservedBindNames(stmt: AnyDml, autoNames: ReadonlySet<string>): void {
    if (autoNames.size === 0) return;
    for (const b of generateCacheKey(stmt).binds) {
      if (!b.unique && !crudBinds.has(b) && autoNames.has(b.bindKey)) {
        throw new CompileError(
          `bindparam() name '${b.bindKey}' is reserved for automatic usage in the VALUES or SET clause of this insert/update statement.   ` +
            `Please use a name other than column name when using bindparam() with insert() or update() (for example, 'b_${b.bindKey}').`,
        );
      }
    }
  }
  /** Names of the parameters an INSERT/UPDATE makes itself for `cols`: given without a value, or from a plain JS value. */
  private crudNames(cols: Iterable<ColumnClause<unknown, string>>, values: ReadonlyMap<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined): Set<string> {
    const out = new Set<string>();
    for (const c of cols) {
      const v = values?.get(c);
      if (v === undefined) out.add(c.key);
      else if (v instanceof BindParameter && crudBinds.has(v)) out.add(v.bindKey);
    }
    return out;
  }
  /** Whether an INSERT that leaves out `c` still renders it: a client default, or a sequence where supported. */
  private hasInsertDefault(c: ColumnClause<unknown, string>): c is ColumnImpl {
    if (!(c instanceof ColumnImpl)) return false;
    if (c.default !== undefined) return true;
    return c.sequence !== undefined && this.supportsSequences();
  }
  /** SQLite has no sequences: SQLAlchemy ignores a column's Sequence there. */
  private supportsSequences(): boolean {
    return (this.dialect as { supportsSequences?: boolean }).supportsSequences !== false;
  }
  /** The SELECT-list element for a default-holding column of INSERT … FROM SELECT. */
  private fromSelectDefault(c: ColumnImpl): ColumnElement<unknown, string> {
    if (c.default instanceof ColumnElement) return c.default;
    if (c.default === undefined && c.sequence) return new Label(null, c.sequence.nextValue(), "next_value");
    return new Label(null, new InsertDefaultValue(c), "anon");
  }
  protected defaultValuesClause(): string {
    return " DEFAULT VALUES";
  }
  /**
   * One VALUES entry. `row` is the values row (index `i` of a multi-row VALUES); a column left
   * out of a later row takes its default as SQLAlchemy's `_process_multiparam_default_bind`.
   */
  private insertValue(c: ColumnClause<unknown, string>, row: ReadonlyMap<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined, given: boolean, i = 0): string {
    if (given) {
      const v = row?.get(c);
      // Inside a VALUES expression the server cannot infer a parameter's type from the column (`($1 + $2)`).
      if (v) return this.ownDmlValue(c, () => (v instanceof BindParameter ? this.visitBindParam(v, {}, c instanceof ColumnImpl ? { column: c } : {}) : this.processDmlValue(v, { bindCast: true })));
      return this.visitBindParam(new BindParameter(c.key, undefined, c.type, { required: true }), {}, c instanceof ColumnImpl ? { column: c } : {});
    }
    if (!this.hasInsertDefault(c)) {
      throw new CompileError(
        `INSERT value for column ${c.table ? `${c.table.describeName()}.` : ""}${c.name} is explicitly rendered as a boundparameter in the VALUES clause; a Python-side value or SQL expression is required`,
      );
    }
    const col = c;
    if (isSqlDefault(col.default)) return this.processDmlValue(col.default);
    if (col.default === undefined && col.sequence) return this.process(col.sequence.nextValue(), {});
    const name = i === 0 ? col.key : `${col.key}_m${i}`;
    return this.visitBindParam(new BindParameter(name, undefined, col.type, { required: false }), {}, { column: col, source: "default" });
  }
  /**
   * A SET or VALUES expression, grouped as SQLAlchemy's crud does with `value.self_group()`: an
   * operator expression is parenthesised on its own (`SET x=(mytable.x + :x_1)`), a column,
   * function or subquery is not.
   */
  processDmlValue(v: ClauseElement, kw: CompileKw = {}): string {
    return this.process(groupedAsValue(v), kw);
  }
  protected sequenceNextValue(name: string): string {
    return `nextval('${name.replace(/'/g, "''")}')`;
  }

  visitUpdate(u: AnyUpdate, _kw: CompileKw): string {
    this.statementKind = "update";
    if (u.multipleParameterSets) throw new InvalidRequestError("UPDATE construct does not support multiple parameter sets.");
    if (u.extraSetTables.length) {
      throw new CompileError(
        `Backend does not support additional tables in the SET clause; cannot include columns from table(s) ${u.extraSetTables.map((t) => `'${t}'`).join(", ")} in SET clause`,
      );
    }
    if (u.unconsumedKeys.length) throw new CompileError(`Unconsumed column names: ${u.unconsumedKeys.join(", ")}`);
    for (const c of u.independentCtes) this.visitCteRef(c, {});
    const table = u.table;
    const cols = table.columnList;
    const set = new Map(u.setValues ?? []);
    const keys = this.options.columnKeys;
    // Execution parameters naming columns add SET entries; the others must feed a parameter of
    // the statement (a bindparam(), a text() `:name`), checked once the statement is rendered.
    const notColumns: string[] = [];
    if (keys) {
      for (const k of keys) {
        const c = cols.find((x) => x.key === k) ?? cols.find((x) => x.name === k);
        if (!c) notColumns.push(k);
        else if (!set.has(c)) set.set(c, new BindParameter(c.key, undefined, c.type, { required: true }));
      }
    } else if (u.setValues === undefined) {
      // No values and no parameters: every column is SET from a parameter of its name, as SQLAlchemy.
      for (const c of cols) set.set(c, new BindParameter(c.key, undefined, c.type, { required: true }));
    }
    const hasOnupdate = (c: ColumnClause<unknown, string>): c is ColumnImpl => c instanceof ColumnImpl && c.onupdate !== undefined && !set.has(c);
    // SET follows table order, onupdate columns where they stand; ordered values come first, in their order (crud._scan_cols).
    const order = u.preserveParameterOrder
      ? [...set.keys(), ...cols.filter(hasOnupdate)]
      : cols.filter((c) => set.has(c) || hasOnupdate(c));
    this.checkReservedBindNames(u, this.crudNames(set.keys(), u.setValues));
    const extraFroms = this.extraDmlFroms(u, [...set.values(), ...u.setExpressions.map(([, v]) => v)]);
    // SET values are inside the UPDATE's frame: a scalar subquery there correlates to the target table.
    this.stack.push({ froms: [u.targetAlias ?? table, ...extraFroms], barrier: false });
    try {
      const setParts = this.withDmlValues("UPDATE", set, () => order.map((c) => {
        const v = set.get(c);
        let rendered: string;
        if (v === undefined) {
          const col = c as ColumnImpl;
          rendered = isSqlDefault(col.onupdate)
            ? this.processDmlValue(col.onupdate)
            : this.visitBindParam(new BindParameter(col.key, undefined, col.type), {}, { column: col, source: "onupdate" });
        } else rendered = this.ownDmlValue(c, () => (v instanceof BindParameter ? this.visitBindParam(v, {}, c instanceof ColumnImpl ? { column: c } : {}) : this.processDmlValue(v)));
        return `${this.quoteIdentifier(c.name, c.quote)}=${rendered}`;
      }).concat(
        // Expression targets (an ARRAY element) render unqualified, after the columns (crud's _get_stmt_parameter_tuples_params).
        u.setExpressions.map(([k, v]) => `${this.process(k, { unqualified: true })}=${v instanceof BindParameter ? this.visitBindParam(v, {}) : this.processDmlValue(v)}`),
      ).join(", "));
      let text = `UPDATE ${this.dmlPrefixes(u)}${this.dmlTarget(u)} SET ${setParts}`;
      if (extraFroms.length) text += this.updateFromClause(extraFroms);
      const where = nonEmptyCriteria(u.whereCriteria);
      if (where.length) text += ` WHERE ${this.process(andCriteria(where), {})}`;
      if (this.options.lintFroms) this.lintFroms("UPDATE", [u.targetAlias ?? table, ...extraFroms], u.whereCriteria);
      text += this.returningClause(u);
      this.checkUnconsumedKeys(u, notColumns);
      return text;
    } finally {
      this.stack.pop();
    }
  }
  protected updateFromClause(froms: readonly FromClause[]): string {
    return ` FROM ${froms.map((f) => this.process(f, { asFrom: true })).join(", ")}`;
  }

  visitDelete(d: AnyDelete, _kw: CompileKw): string {
    this.statementKind = "delete";
    for (const c of d.independentCtes) this.visitCteRef(c, {});
    const extraFroms = this.extraDmlFroms(d, []);
    this.stack.push({ froms: [d.targetAlias ?? d.table, ...extraFroms], barrier: false });
    try {
      let text = `DELETE ${this.dmlPrefixes(d)}FROM ${this.dmlTarget(d)}`;
      if (extraFroms.length) text += this.deleteUsingClause(extraFroms);
      const where = nonEmptyCriteria(d.whereCriteria);
      if (where.length) text += ` WHERE ${this.process(andCriteria(where), {})}`;
      if (this.options.lintFroms) this.lintFroms("DELETE", [d.targetAlias ?? d.table, ...extraFroms], d.whereCriteria);
      text += this.returningClause(d);
      return text;
    } finally {
      this.stack.pop();
    }
  }
  /**
   * The other tables of a multi-table DELETE. The display dialect lists them after the target,
   * as SQLAlchemy's StrSQLCompiler: `DELETE FROM a , b WHERE …`; PostgreSQL renders `USING b`.
   */
  protected deleteUsingClause(froms: readonly FromClause[]): string {
    return ` , ${froms.map((f) => this.process(f, { asFrom: true })).join(", ")}`;
  }

  /** Tables other than the target referenced by WHERE (and SET): UPDATE…FROM / DELETE…USING. */
  private extraDmlFroms(stmt: AnyUpdate | AnyDelete, setValues: readonly ClauseElement[]): FromClause[] {
    const target = stmt.targetAlias ?? stmt.table;
    const extras: FromClause[] = [];
    // SQLAlchemy's DMLState._make_extra_froms: explicit using() froms first, each hiding the tables it covers (a join's members).
    const seen = new Set<FromClause>([target]);
    for (const f of (stmt as { usingFroms?: readonly FromClause[] }).usingFroms ?? []) {
      if (seen.has(f)) continue;
      extras.push(f);
      for (const x of f.coveredFroms()) seen.add(x);
    }
    const found = new Select([]).where(...(stmt.whereCriteria as ColumnElement<unknown, string>[])).resolveFroms();
    // Then the tables the WHERE criteria and the SET values name (a correlated subquery names none).
    const values = setValues.filter((v): v is ColumnElement<unknown, string> => v instanceof ColumnElement);
    if (values.length) for (const f of new Select(values).resolveFroms()) if (!found.includes(f)) found.push(f);
    for (const f of found) if (!seen.has(f) && !f.coveredFroms().includes(target) && !extras.includes(f)) extras.push(f);
    return extras;
  }

  protected dmlExtensions(stmt: AnyDml): string {
    return stmt.extensions.map((e) => ` ${this.process(e, {})}`).join("");
  }

  protected returningClause(stmt: AnyDml): string {
    if (!stmt.returningColumns.length) return "";
    const cols = stmt.returningExpanded;
    const rendered = cols.map((c) => {
      let text = this.process(c instanceof Label ? c.element : c, {});
      let key: string;
      let label: string | undefined;
      // An ORM attribute returns as its column; a literal column (`*`) renders as written.
      const col = c instanceof ColumnClause ? c : columnBehind(c);
      if (c instanceof Label) key = label = this.labelName(c);
      else if (col) key = c.key ?? col.key;
      else if (c instanceof LiteralColumn) key = c.text;
      else {
        label = this.anonName(c, isFunctionElement(c) ? c.name : "anon");
        key = label;
      }
      const wrapped = this.isDisplay ? undefined : c.type.columnExpression(this.dialect.typeDialect, text);
      if (wrapped !== undefined) {
        text = wrapped;
        if (!label && !(c instanceof Label)) label = col ? col.name : key;
      }
      this.resultColumns.push({ key, type: c.type, element: c });
      return label ? `${text} AS ${this.quoteIdentifier(label)}` : text;
    });
    return ` RETURNING ${rendered.join(", ")}`;
  }
}

/**
 * WHERE / HAVING criteria without empty `and()` / `or()` lists, which add nothing (SQLAlchemy
 * renders `DELETE FROM t` and `SELECT t.x FROM t` for `where(and_())`).
 */
function nonEmptyCriteria(criteria: readonly ClauseElement[]): readonly ClauseElement[] {
  return criteria.some(isEmptyBooleanList) ? criteria.filter((c) => !isEmptyBooleanList(c)) : criteria;
}
function isEmptyBooleanList(c: ClauseElement): boolean {
  return c instanceof BooleanClauseList && c.clauses.length === 0;
}

/**
 * The base of an anonymous bind name (SQLAlchemy's sanitized `_anonymous_label`): runs of
 * `%`, `(`, `)`, space and `$` become one `_`, other non-word characters `_`, and leading or
 * trailing underscores go (`"%(my name)s"` → `my_name_s_1`, `_3foo` → `3foo_1`).
 */
function anonBindBase(key: string): string {
  const base = key.replace(/[%() $]+/g, "_").replace(/[^\w]/g, "_").replace(/^_+|_+$/g, "");
  return base === "" ? "param" : base;
}

/** SQLAlchemy's `self_group(against=None)`: binary and unary operators, and AND/OR of several criteria, group. */
function groupedAsValue(v: ClauseElement): ClauseElement {
  if (v instanceof BinaryExpression) return v.operator === "regexpReplace" ? v : new Grouping(v);
  if (v instanceof UnaryExpression) return v.operator !== undefined ? new Grouping(v) : v;
  if (v instanceof BooleanClauseList) return v.clauses.length > 1 ? new Grouping(v) : v;
  return v;
}

/**
 * The anonymously named expression (an anonymous label, a function, `x + 1`) a subquery/CTE/alias
 * column stands for through aliases, if any: that column renders under the expression's name.
 */
function anonymousBehind(c: ColumnClause<unknown, string>): ColumnElement<unknown, string> | undefined {
  let p = c.proxyOf;
  while (p instanceof ColumnClause && p.name === c.name) p = p.proxyOf;
  if (p === undefined || p instanceof ColumnClause) return undefined;
  return (p instanceof Label && p.anonymous) || isAnonymouslyNamed(p, true) ? p : undefined;
}

/** Whether a column proxies, through same-named proxies, a literal column of that text. */
function literalBehind(c: ColumnClause<unknown, string>): boolean {
  let p = c.proxyOf;
  while (p instanceof ColumnClause && p.name === c.name) p = p.proxyOf;
  return p instanceof LiteralColumn && p.text === c.name;
}

/**
 * Whether a SELECT-list element without a label takes an anonymous name (`count_1`, `anon_1`).
 * Inside a subquery (`asFrom`) a unary operator around a column does too (`DISTINCT t.x AS anon_1`).
 */
function isAnonymouslyNamed(c: ColumnElement<unknown, string>, asFrom = false): boolean {
  if (c instanceof Label || c instanceof ColumnClause || c instanceof ScalarFunctionColumn || columnBehind(c) !== undefined) return false;
  if (c instanceof LiteralColumn || c.kind === "star" || (!asFrom && wrappedNamedColumn(c) !== undefined)) return false;
  return !((c instanceof Cast || c.kind === "typeCoerce") && c.resultName !== undefined);
}

/**
 * The element an anonymous name belongs to and its base: a CAST of a function takes the
 * function's name (`CAST(count(x) AS …) AS count_1`), as does an ordered-set aggregate
 * (`percentile_cont(…) WITHIN GROUP (…) AS percentile_cont_1`).
 */
function anonymousBase(c: ColumnElement<unknown, string>): { readonly named: ColumnElement<unknown, string>; readonly base: string } {
  const named = (c instanceof Cast || c.kind === "withinGroup") && isFunctionElement((c as Cast<unknown>).element) ? (c as Cast<unknown>).element : c;
  // A sequence's next value is SQLAlchemy's `next_value` function (`nextval('s') AS next_value_1`).
  const base = isFunctionElement(named) ? named.name.split(".").pop()! : named.kind === "nextValue" ? "next_value" : "anon";
  return { named, base };
}

/**
 * What `orderBy("name")` names in a SELECT (SQLAlchemy's `_label_resolve_dict`): a label of the
 * SELECT list, else a column of its FROMs with that key.
 */
function selectLabelTarget(s: Select, froms: readonly FromClause[], name: string): ColumnElement<unknown, string> | undefined {
  const label = s.selectedColumns.find((c) => c instanceof Label && c.name === name);
  if (label) return label;
  // A table-less column (`select(column("foo"))`) has no FROM to be found in.
  const own = s.selectedColumns.find((c) => c instanceof ColumnClause && !c.table && c.key === name);
  if (own) return own;
  for (const f of [...s.resolveFroms(), ...froms]) {
    const col = f.columnList.find((c) => c.key === name && labelResolvable(c));
    if (col) return col;
  }
  return undefined;
}

/**
 * The column under `NOT x`, `-x` or `~x` (SQLAlchemy's `_wraps_unnamed_column()` being false):
 * such an expression renders in a SELECT list without an anonymous label, keyed by the column.
 */
function wrappedNamedColumn(c: ColumnElement<unknown, string>): ColumnClause<unknown, string> | undefined {
  if (!(c instanceof UnaryExpression) || c.modifier !== undefined) return undefined;
  // `x.distinct()` too renders unlabelled at top level (SQLAlchemy's `_wraps_unnamed_column`).
  if (c.operator !== "not" && c.operator !== "neg" && c.operator !== "bitwiseNot" && c.operator !== "distinct") return undefined;
  return c.element instanceof ColumnClause ? c.element : undefined;
}

/** The SELECT-list label an ORDER BY element names directly, under any ASC/DESC/NULLS modifiers. */
function orderByLabelOf(o: ClauseElement, labels: ReadonlySet<Label<unknown, string>>): { orderByLabel?: Label<unknown, string> } {
  let e = o;
  while (e instanceof UnaryExpression && e.operator === undefined && e.modifier !== undefined) e = e.element;
  return e instanceof Label && labels.has(e) ? { orderByLabel: e } : {};
}

function restatesChain(cte: CTE): CTE[] {
  const out: CTE[] = [];
  for (let c = cte.restates; c; c = c.restates) out.push(c);
  return out;
}

function tupleWidth(t: TypeEngine<unknown>): number {
  return t instanceof TupleType ? t.types.length : 1;
}

/** The column an expression stands for, when it renders as exactly that column (ORM attributes). */
/**
 * The members of one tuple of a tuple IN list: an array, or another iterable of values such as
 * a result row (SQLAlchemy accepts `Row`s there, as they are tuples); undefined for anything else.
 */
function tupleValues(item: unknown): readonly unknown[] | undefined {
  if (Array.isArray(item)) return item;
  if (typeof item === "object" && item !== null && Symbol.iterator in item && !(item instanceof Uint8Array)) return Array.from(item as Iterable<unknown>);
  return undefined;
}

function columnBehind(c: ColumnElement<unknown, string>): ColumnClause<unknown, string> | undefined {
  const inner = (c as { column?: unknown }).column;
  return inner instanceof ColumnClause && c.kind === "ormAttribute" ? inner : undefined;
}

function frameBound(v: number | null, lower: boolean): string {
  if (v === null) return lower ? "UNBOUNDED PRECEDING" : "UNBOUNDED FOLLOWING";
  if (v === 0) return "CURRENT ROW";
  return v < 0 ? `${-v} PRECEDING` : `${v} FOLLOWING`;
}

registerDefaultCompiler(SQLCompiler);
registerCompileImpl((e, opts) => {
  const d: unknown = opts.dialect ?? defaultDialect;
  // A dialect name is the natural guess; say what to pass instead of failing on a method call.
  if (typeof d === "string") throw new ArgumentError(`compile({ dialect: ${JSON.stringify(d)} }): pass a Dialect object, such as dialect() from "athanor/dialects/${d}"`);
  return (d as Dialect).createCompiler(e, opts).compile();
});

/**
 * Per result column, the objects that address it by identity (`row._mapping.get(users.c.id)`,
 * SQLAlchemy's result-map targets): the column it selects, directly or through an ORM attribute
 * (the result layer looks an attribute up by its `.column`), an alias's or subquery's column
 * (`ua.c.id`), and a label object. A table's columns are the same objects in every statement
 * that shares this compiled form's cache key; an alias's columns and labels are those of the
 * statement compiled, so an equal statement built again with new objects addresses them by key.
 */
export function resultTargets(c: Compiled): (readonly object[])[] {
  return c.resultColumns.map(({ key, element }) => {
    // A labelled column still answers to the column (SQLAlchemy's label proxies it):
    // `row._mapping.get(t.c.y)` after `t.c.y.label("ybar")`, and to the expression it labels.
    if (element instanceof Label) return [element, element.element, ...tableColumnOf(element.element)];
    // text() in the columns clause answers to the text() object given to select(), as the
    // objects of SQLAlchemy's result map for a TextClause column start with it.
    if (isTextColumns(element)) return [element.element, element];
    // An unlabelled unary around a column, selected under the column's name
    // (`select(t.c.x.distinct())`): SQLAlchemy's visit_unary hands the result map on to the
    // column, so the column addresses it too.
    if (element instanceof UnaryExpression && element.element instanceof ColumnClause && element.element.key === key) {
      return [element, ...tableColumnOf(element.element)];
    }
    // Any selected expression answers to itself (`row._mapping.get(caseExpr)`), as the objects of
    // SQLAlchemy's result map start with the column element.
    const cols = tableColumnOf(element);
    return cols[0] === element ? cols : [element, ...cols];
  });
}

function tableColumnOf(element: ColumnElement<unknown, string>): ColumnClause<unknown, string>[] {
  const col = element instanceof ColumnClause ? element : columnBehind(element);
  return col !== undefined && col.table !== undefined ? [col] : [];
}

/** The result processors of a compiled statement's columns for its dialect. */
export function resultProcessors(c: Compiled): (ResultProcessor | undefined)[] {
  const d = c.dialect.typeDialect;
  return c.resultColumns.map((rc) => rc.type.resultProcessor(d));
}
/**
 * The bound value of a SQL NULL: NULL, unless the processor asks to see it (a TypeDecorator's
 * processBindParam, which SQLAlchemy calls with None too).
 */
function nullBind(p: BindProcessor | undefined): unknown {
  return p !== undefined && processesNull(p) ? p(null) : null;
}

export { TableImpl };
