/**
 * ORM-enabled INSERT, UPDATE and DELETE (SQLAlchemy 2.0): bulk INSERT (returning objects),
 * bulk UPDATE by primary key, and criteria UPDATE/DELETE with `synchronizeSession`
 * ("auto" | "evaluate" | "fetch" | false) keeping identity-mapped objects in step.
 * Inheritance: a single-table subclass's statements carry its discriminator criterion and its
 * bulk INSERT rows its polymorphic identity; joined-table subclasses go through joined-dml.ts.
 * As SQLAlchemy's: a bulk INSERT sends one executemany per run of parameter sets with the same
 * keys (`null` values left out unless `renderNulls`); objects RETURNed for rows already in the
 * identity map keep their loaded values unless `populateExisting`; execution options may be
 * set on the statement (`executionOptions()`) under those of the call.
 * @module
 */
import { ArgumentError, CompileError, InvalidRequestError } from "../errors.js";
import { BinaryExpression, BindParameter, BooleanClauseList, ClauseElement, ColumnElement, Constant, Grouping, LiteralColumn, LiteralString, Tuple, UnaryExpression, bindparam } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Delete, Insert, Update, UpdateBase } from "../sql/dml.js";
import { clientDefaultValue } from "../sql/schema.js";
import { Result } from "../engine/result/index.js";
import { takeValueRows } from "../engine/orm-rows.js";
import type { AsyncConnection, ExecuteParams } from "../engine/connection.js";
import { InstrumentedAttribute, mapperOf, type ColumnProperty, type Mapper } from "./mapper.js";
import { stateOf, type InstanceState } from "./state.js";
import type { AsyncSession, SessionExecuteOptions } from "./session.js";
import { WRITE_ONLY_PARENT } from "./write-only.js";
import type { LoaderCriteriaOption } from "./options.js";
import { isMultiTableMapper } from "./inheritance.js";
import { joinedBulkInsert, joinedBulkUpdate, joinedCriteriaStatement } from "./joined-dml.js";

/** Whether a statement is DML against a mapped class. */
export function isOrmDml(stmt: unknown): stmt is UpdateBase {
  return stmt instanceof UpdateBase && typeof stmt.entity === "function" && mapperOf(stmt.entity) !== undefined;
}

/** Mappers whose every column attribute is bound under its own key (the usual case). */
const sameKeys = new WeakMap<Mapper, boolean>();
/** Turn attribute-keyed parameters into column-keyed ones (the row itself when the keys coincide). */
function toColumnKeys(mapper: Mapper, row: Readonly<Record<string, unknown>>, what: string, bindNames = false): Record<string, unknown> {
  let same = sameKeys.get(mapper);
  if (same === undefined) sameKeys.set(mapper, (same = mapper.columnProps.every((p) => p.column.key === p.key)));
  if (same) {
    // Only checked, not copied: a bulk insert of 100,000 rows would otherwise copy every row.
    if (!bindNames) {
      for (const k in row) {
        if (!mapper.columnPropsByKey.has(k) && Object.prototype.hasOwnProperty.call(row, k)) throw new ArgumentError(`${what}: '${k}' is not a column attribute of ${mapper.className}`);
      }
    }
    return row as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const p = mapper.columnPropsByKey.get(k);
    // With values() holding bound parameters, other keys are their values (SQLAlchemy passes them on).
    if (!p && !bindNames) throw new ArgumentError(`${what}: '${k}' is not a column attribute of ${mapper.className}`);
    out[p ? p.column.key : k] = v;
  }
  return out;
}

/** Execute ORM DML. */
export async function executeOrmDml(
  session: AsyncSession,
  conn: AsyncConnection,
  stmt: UpdateBase,
  params: ExecuteParams | undefined,
  opts: SessionExecuteOptions,
): Promise<Result<unknown[], Record<string, unknown>>> {
  const mapper = mapperOf(stmt.entity)!;
  opts = withStatementOptions(stmt, opts);
  const returnsEntity = stmt.returningColumns.some((c) => c === (stmt.entity as never) || (typeof c === "function" && mapperOf(c) === mapper));
  if (stmt instanceof Insert) return ormInsert(session, conn, mapper, stmt, params, returnsEntity, opts);
  if (stmt instanceof Update && Array.isArray(params)) return bulkUpdateByPk(session, conn, mapper, stmt, params, opts);
  if (stmt instanceof Delete && Array.isArray(params)) throw new InvalidRequestError("Bulk ORM DELETE not supported right now. Statement may be invoked at the Core level using session.connection().execute(stmt, parameters)");
  if (stmt instanceof Update || stmt instanceof Delete) return criteriaDml(session, conn, mapper, stmt, params, opts, returnsEntity);
  throw new InvalidRequestError(`Unsupported ORM DML statement ${stmt.describe()}`);
}

async function ormInsert(
  session: AsyncSession,
  conn: AsyncConnection,
  mapper: Mapper,
  stmt: Insert,
  params: ExecuteParams | undefined,
  returnsEntity: boolean,
  opts: SessionExecuteOptions,
): Promise<Result<unknown[], Record<string, unknown>>> {
  if (params !== undefined && stmt.returningColumns.some(isReturningStar)) throw new CompileError("Can't use RETURNING * with bulk ORM INSERT.  Please use a different INSERT form, such as INSERT..VALUES or INSERT with a Core Connection");
  let exprs: ReadonlyMap<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined;
  ({ stmt, params, exprs } = applyFixedValues(mapper, stmt, params));
  ({ stmt, params } = withPolymorphicIdentity(mapper, stmt, params));
  // Joined-table inheritance: one INSERT per table, base first (joined-dml.ts).
  if (isMultiTableMapper(mapper) && params !== undefined) {
    if (exprs) throw new InvalidRequestError(`ORM bulk insert of ${mapper.className} (joined-table inheritance): values() entries must be plain values when execution parameter sets are given`);
    return joinedBulkInsert(session, conn, mapper, stmt, Array.isArray(params) ? params : [params as Readonly<Record<string, unknown>>], returnsEntity);
  }
  const renderNulls = opts.renderNulls === true;
  const lenient = exprs !== undefined;
  const rows = params === undefined
    ? undefined
    : Array.isArray(params)
      ? params.map((r) => bulkRow(mapper, r, renderNulls, lenient))
      : toColumnKeys(mapper, params as Record<string, unknown>, "ORM insert", lenient);
  const withExprs = exprs === undefined ? undefined : runStatement(mapper, exprs);
  if (!returnsEntity) {
    const plain = stmt.returningColumns.some((c) => c instanceof InstrumentedAttribute)
      ? Object.assign(Object.create(Object.getPrototypeOf(stmt)) as Insert, stmt, { returningColumns: coreReturning(stmt.returningColumns) })
      : stmt;
    return executeRuns(conn, plain, rows, withExprs);
  }
  // RETURNING the entity: select every loaded column and build identity-mapped objects.
  const props = mapper.defaultLoadProps;
  const others = coreReturning(stmt.returningColumns.filter((c) => !(typeof c === "function" && mapperOf(c) === mapper)));
  const core = Object.create(Object.getPrototypeOf(stmt)) as Insert;
  Object.assign(core, stmt, { returningColumns: [...props.map((p) => p.column), ...others], entity: undefined });
  const res = await executeRuns(conn, core, rows, withExprs);
  const populate = opts.populateExisting === true;
  const ctx = session.loadContext(true);
  const identityMap = ctx.identityMap;
  const pkPos = mapper.pkProps.map((p) => props.indexOf(p));
  const singlePk = pkPos.length === 1 ? pkPos[0] : -1;
  const classId = mapper.identityId;
  const nProps = props.length;
  const keys = props.map((p) => p.key);
  // Value arrays straight from the result: no Row object per returned row.
  const out = takeValueRows(res);
  const tuples: unknown[][] = new Array(out.length);
  for (let r = 0; r < out.length; r++) {
    const raw = out[r];
    // The identity map's (class, key part) address: no key string per row.
    const part = singlePk >= 0 ? mapper.identityPart(raw[singlePk]) : mapper.identityPartOf(pkPos.map((j) => raw[j]));
    let obj = identityMap.getByIdentity(classId, part);
    let st: InstanceState;
    if (!obj) {
      st = mapper.newStateForLoad();
      obj = st.obj;
      st.loadedAs(part, session.id);
      identityMap.addByIdentity(classId, part, obj);
      // A new object holds just the row: its committed snapshot is its dictionary (copy-on-write).
      const d = st.dict;
      for (let i = 0; i < nProps; i++) d[keys[i]] = raw[i];
      st.shareCommitted();
    } else {
      refreshExisting(stateOf(obj)!, keys, raw, populate);
    }
    tuples[r] = raw.length === nProps ? [obj] : [obj, ...raw.slice(nProps)];
  }
  const resultKeys = [mapper.className, ...others.map((c, i) => (c instanceof ColumnElement ? c.key ?? `col_${i}` : `col_${i}`))];
  return new Result({ keys: resultKeys, processors: resultKeys.map(() => undefined) }, tuples, { rowsAffected: res.rowsAffected, returnsRows: true });
}

/**
 * A RETURNING row for an object already in the identity map, as SQLAlchemy's loading does:
 * without `populateExisting` only attributes that are not loaded (or are expired and unchanged)
 * take the row's values, so an upsert's RETURNING leaves loaded objects as they were; with it,
 * every attribute is overwritten.
 */
function refreshExisting(st: InstanceState, keys: readonly string[], raw: readonly unknown[], populate: boolean): void {
  if (st.status === "deleted") return;
  const d = st.dict;
  const expired = st.expiredKeys;
  let modified: Set<string> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    let load = populate || !(k in d);
    if (!load && expired?.has(k)) load = !(modified ??= new Set(st.changedColumnKeys())).has(k);
    if (!load) continue;
    d[k] = raw[i];
    st.committed[k] = raw[i];
    st.expiredMutable?.delete(k);
  }
}

/** The statement's own execution options under those of the call (SQLAlchemy merges them so). */
function withStatementOptions(stmt: UpdateBase, opts: SessionExecuteOptions): SessionExecuteOptions {
  const own = stmt.statementExecutionOptions;
  let any = false;
  for (const _ in own) {
    any = true;
    break;
  }
  if (!any) return opts;
  const out: Record<string, unknown> = { ...own };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) out[k] = v;
  return out as SessionExecuteOptions;
}

function isReturningStar(c: unknown): boolean {
  return c instanceof LiteralColumn && c.text === "*";
}

/**
 * One parameter set of an ORM bulk INSERT, column-keyed. As SQLAlchemy's bulk INSERT, a `null`
 * value is left out (the column takes its default) unless the `renderNulls` execution option is
 * set, so that sets can share a statement.
 */
function bulkRow(mapper: Mapper, row: Readonly<Record<string, unknown>>, renderNulls: boolean, bindNames: boolean): Record<string, unknown> {
  const r = toColumnKeys(mapper, row, "ORM bulk insert", bindNames);
  if (renderNulls) return r;
  let out: Record<string, unknown> | undefined;
  for (const k in r) {
    if (r[k] !== null || !Object.prototype.hasOwnProperty.call(r, k)) continue;
    out ??= { ...r };
    delete out[k];
  }
  return out ?? r;
}

/** How many keys of a parameter set carry a value. */
function valuedKeyCount(row: Readonly<Record<string, unknown>>): number {
  let n = 0;
  for (const k in row) if (row[k] !== undefined) n++;
  return n;
}

/** Whether two parameter sets give values for the same keys (no allocation: runs over 100,000 rows). */
function sameValuedKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>, aCount: number): boolean {
  let n = 0;
  for (const k in b) {
    if (b[k] === undefined) continue;
    if (a[k] === undefined) return false;
    n++;
  }
  return n === aCount;
}

/**
 * Execute an INSERT over parameter sets the way SQLAlchemy's ORM bulk INSERT does: consecutive
 * sets with the same keys share one executemany; a change of keys starts another statement.
 * RETURNING rows of all statements come back in parameter order, in one result.
 */
async function executeRuns(
  conn: AsyncConnection,
  stmt: Insert,
  rows: ExecuteParams | undefined,
  forRun?: (stmt: Insert, first: Readonly<Record<string, unknown>>) => Insert,
): Promise<Result<unknown[], Record<string, unknown>>> {
  const first = Array.isArray(rows) ? (rows[0] as Readonly<Record<string, unknown>> | undefined) : (rows as Readonly<Record<string, unknown>> | undefined);
  if (!Array.isArray(rows) || rows.length < 2) return conn.execute(forRun && first ? forRun(stmt, first) : stmt, rows);
  const sets = rows as readonly Readonly<Record<string, unknown>>[];
  const runs: (readonly Readonly<Record<string, unknown>>[])[] = [];
  let start = 0;
  let count = valuedKeyCount(sets[0]);
  for (let i = 1; i <= sets.length; i++) {
    if (i < sets.length && sameValuedKeys(sets[start], sets[i], count)) continue;
    runs.push(runs.length === 0 && i === sets.length ? sets : sets.slice(start, i));
    start = i;
    if (i < sets.length) count = valuedKeyCount(sets[i]);
  }
  if (runs.length === 1) return conn.execute(forRun ? forRun(stmt, sets[0]) : stmt, rows);
  let affected = 0;
  const values: (readonly unknown[])[] = [];
  let keys: string[] = [];
  for (const run of runs) {
    // A run of one set is still an executemany, as in SQLAlchemy: no implicit RETURNING added.
    const res = await conn.execute(forRun ? forRun(stmt, run[0]) : stmt, run);
    affected += res.rowsAffected;
    if (!res.returnsRows) continue;
    keys = res.keys();
    for (const v of takeValueRows(res)) values.push(v);
  }
  if (!stmt.returningColumns.length) return new Result({ keys: [], processors: [] }, [], { rowsAffected: affected, returnsRows: false });
  return new Result({ keys, processors: keys.map(() => undefined) }, values, { rowsAffected: affected, returnsRows: true });
}

/**
 * The discriminator of a class in an inheritance hierarchy, filled in with the class's
 * polymorphic identity wherever a parameter set (or the single values() row) leaves it out, as
 * SQLAlchemy's ORM bulk INSERT does. Rows given an explicit value keep it; a multi-row values()
 * is left as written.
 */
function withPolymorphicIdentity(mapper: Mapper, stmt: Insert, params: ExecuteParams | undefined): { stmt: Insert; params: ExecuteParams | undefined } {
  const disc = mapper.base.polymorphicOn;
  const id = mapper.polymorphicIdentity;
  if (!disc || id === undefined) return { stmt, params };
  const k = disc.key;
  if (params === undefined) {
    if (stmt.isMultiValues || stmt.valueRows?.[0]?.has(disc.column as never)) return { stmt, params };
    return { stmt: stmt.values({ [disc.column.key]: id } as never), params };
  }
  const fill = (r: Readonly<Record<string, unknown>>) => (r[k] === undefined ? { ...r, [k]: id } : r);
  return { stmt, params: Array.isArray(params) ? params.map(fill) : fill(params as Readonly<Record<string, unknown>>) };
}

/**
 * Values fixed on the statement — a write-only collection's foreign key (annotation), or one
 * `values({…})` row — combined with a list of parameter sets: each set gets the fixed values
 * (the sets win), so `session.execute(user.notes.insert(), [{ body: "a" }, { body: "b" }])` and
 * `session.execute(insert(User).values({ tenantId: 2 }), [{ name: "a" }])` work as in SQLAlchemy.
 */
function applyFixedValues(
  mapper: Mapper,
  stmt: Insert,
  params: ExecuteParams | undefined,
): { stmt: Insert; params: ExecuteParams | undefined; exprs: ReadonlyMap<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined } {
  const fixed: Record<string, unknown> = { ...((stmt.annotations[WRITE_ONLY_PARENT] as Record<string, unknown> | undefined) ?? {}) };
  const hasValues = stmt.valueRows !== undefined;
  if (params === undefined) {
    // No parameter sets: the fixed values become (part of) the VALUES clause.
    return { stmt: Object.keys(fixed).length ? stmt.values(fixed as never) : stmt, params, exprs: undefined };
  }
  let exprs: Map<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined;
  if (hasValues) {
    if (stmt.isMultiValues) throw new InvalidRequestError("ORM insert: a multi-row values() cannot be combined with execution parameter sets");
    for (const [col, v] of stmt.valueRows![0]) {
      const prop = mapper.propByColumn.get(col as never);
      if (prop && v instanceof BindParameter && !v.required) fixed[prop.key] = v.effectiveValue();
      // SQL expressions and bound parameters stay in every statement (SQLAlchemy's
      // `insert(A).values(data=func.lower("DD"))` with parameter sets).
      else (exprs ??= new Map()).set(col, v);
    }
    stmt = Object.assign(Object.create(Object.getPrototypeOf(stmt)) as Insert, stmt, { valueRows: undefined, isMultiValues: false });
  }
  if (!Object.keys(fixed).length) return { stmt, params, exprs };
  const merge = (r: Readonly<Record<string, unknown>>) => ({ ...fixed, ...r });
  return { stmt, params: Array.isArray(params) ? params.map(merge) : merge(params as Readonly<Record<string, unknown>>), exprs };
}

/**
 * The statement for one run of parameter sets when values() kept SQL expressions: those
 * expressions plus a bound parameter per column the sets give (other keys of the sets are the
 * values of bound parameters in the expressions).
 */
function runStatement(mapper: Mapper, exprs: ReadonlyMap<ColumnClause<unknown, string>, ColumnElement<unknown, string>>): (stmt: Insert, first: Readonly<Record<string, unknown>>) => Insert {
  return (stmt, first) => {
    const values = new Map<ColumnClause<unknown, string>, unknown>(exprs);
    for (const p of mapper.columnProps) {
      const col = p.column as ColumnClause<unknown, string>;
      if (first[col.key] !== undefined && !exprs.has(col)) values.set(col, bindparam(col.key, undefined, col.type));
    }
    return stmt.values(values);
  };
}

/**
 * RETURNING columns as Core renders them: an ORM attribute becomes its table column
 * (`RETURNING users.id`, keyed `id`), labelled with the attribute key only where the column's
 * key differs, as SQLAlchemy's ORM result keys are attribute keys.
 */
function coreReturning<C>(cols: readonly C[]): C[] {
  return cols.map((c) => {
    if (!(c instanceof InstrumentedAttribute)) return c;
    const col = c.column;
    return (col.key === c.attrKey ? col : col.label(c.attrKey)) as unknown as C;
  });
}

/** SQLAlchemy's synchronize_session values; `null` is accepted as `false` (its `None`). */
type SyncMode = "auto" | "evaluate" | "fetch" | false;
function syncMode(opts: SessionExecuteOptions): SyncMode {
  const mode = (opts as { readonly synchronizeSession?: unknown }).synchronizeSession;
  if (mode === undefined) return "auto";
  if (mode === null || mode === false) return false;
  if (mode === "auto" || mode === "evaluate" || mode === "fetch") return mode;
  throw new ArgumentError("Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False");
}

/**
 * `session.execute(update(User), [{ id: 1, fullname: "…" }, …])`: SQLAlchemy's "ORM bulk UPDATE
 * by primary key". Consecutive parameter sets with the same keys share one executemany
 * `UPDATE users SET fullname=:fullname WHERE users.id = :users_id` (SET columns in table
 * order); identity-mapped objects then take the new values unless `synchronizeSession` is
 * false. Extra WHERE criteria need `synchronizeSession: false`, as in SQLAlchemy.
 */
async function bulkUpdateByPk(
  session: AsyncSession,
  conn: AsyncConnection,
  mapper: Mapper,
  stmt: Update,
  params: readonly Readonly<Record<string, unknown>>[],
  opts: SessionExecuteOptions,
): Promise<Result<unknown[], Record<string, unknown>>> {
  const mode = syncMode(opts);
  if (mode === "fetch") throw new InvalidRequestError("The 'fetch' synchronization strategy is not available for 'bulk' ORM updates (i.e. multiple parameter sets)");
  // One SET clause per run of parameter sets is built from values() and the sets' keys: an
  // orderedValues() order cannot be kept, so SQLAlchemy refuses it.
  if (stmt.preserveParameterOrder) {
    throw new InvalidRequestError("bulk ORM UPDATE does not support ordered_values() for custom UPDATE statements with bulk parameter sets.  Use a non-bulk UPDATE statement or use values().");
  }
  if (stmt.whereCriteria.length && mode !== false) {
    throw new InvalidRequestError(
      "bulk synchronize of persistent objects not supported when using bulk update with additional WHERE criteria right now.  add synchronize_session=None execution option to bypass synchronize of persistent objects.",
    );
  }
  const pkKeys = mapper.pkProps.map((p) => p.key);
  // values() and WHERE may name bound parameters the sets supply (SQLAlchemy passes them through).
  for (const row of params) checkBulkRow(mapper, row, pkKeys, stmt.whereCriteria.length > 0 || stmt.setValues !== undefined);
  if (stmt.setValues && isMultiTableMapper(mapper)) throw new InvalidRequestError(`ORM bulk UPDATE by primary key of ${mapper.className} (joined-table inheritance) takes no values(); put the values in the parameter sets`);
  const result = isMultiTableMapper(mapper) ? await joinedBulkUpdate(conn, mapper, params) : await bulkUpdateRuns(conn, mapper, stmt, params, pkKeys);
  if (mode !== false) synchronizeBulkUpdate(session, mapper, params, pkKeys, stmt);
  return result;
}

function checkBulkRow(mapper: Mapper, row: Readonly<Record<string, unknown>>, pkKeys: readonly string[], hasWhere: boolean): void {
  const missing = mapper.pkProps.filter((p) => row[p.key] === undefined);
  if (missing.length) {
    const cols = missing.map((p) => `${mapper.table.name}.${p.column.name}`).join(", ");
    throw new InvalidRequestError(
      `No primary key value supplied for column(s) ${cols}; per-row ORM Bulk UPDATE by Primary Key requires that records contain primary key values (parameter set is missing primary key '${missing[0].key}')`,
    );
  }
  // With extra WHERE criteria the sets may carry that criteria's bound values too.
  if (hasWhere) return;
  for (const k of Object.keys(row)) {
    if (!pkKeys.includes(k) && !mapper.columnPropsByKey.has(k)) throw new ArgumentError(`ORM bulk UPDATE: '${k}' is not a column attribute of ${mapper.className}`);
  }
}

/** One executemany per run of consecutive parameter sets with the same keys (SQLAlchemy's grouping). */
async function bulkUpdateRuns(
  conn: AsyncConnection,
  mapper: Mapper,
  stmt: Update,
  params: readonly Readonly<Record<string, unknown>>[],
  pkKeys: readonly string[],
): Promise<Result<unknown[], Record<string, unknown>>> {
  const setPropsOf = (row: Readonly<Record<string, unknown>>) => mapper.columnProps.filter((p) => !pkKeys.includes(p.key) && row[p.key] !== undefined);
  const pkBind = (p: { readonly column: { readonly key: string } }) => `${mapper.table.name}_${p.column.key}`;
  let affected = 0;
  let i = 0;
  while (i < params.length) {
    const setProps = setPropsOf(params[i]);
    const sig = setProps.map((p) => p.key).join(",");
    let j = i + 1;
    while (j < params.length && setPropsOf(params[j]).map((p) => p.key).join(",") === sig) j++;
    const run = params.slice(i, j);
    i = j;
    if (!setProps.length && !stmt.setValues) continue;
    // values() entries first (table order is restored by the compiler), then the sets' columns.
    const values = new Map<ColumnClause<unknown, string>, unknown>(stmt.setValues ?? []);
    for (const p of setProps) values.set(p.column as ColumnClause<unknown, string>, bindparam(p.column.key));
    const core = new Update(mapper.table)
      .where(...mapper.pkProps.map((p) => p.column.eq(bindparam(pkBind(p)))), ...(stmt.whereCriteria as ColumnElement<boolean>[]))
      .values(values);
    const ps = run.map((r) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (!mapper.columnPropsByKey.has(k)) o[k] = v;
      for (const p of setProps) o[p.column.key] = r[p.key];
      for (const p of mapper.pkProps) o[pkBind(p)] = r[p.key];
      return o;
    });
    affected += (await conn.execute(core, ps)).rowsAffected;
  }
  return new Result({ keys: [], processors: [] }, [], { rowsAffected: affected, returnsRows: false });
}

/**
 * Give identity-mapped objects the values a bulk UPDATE by primary key wrote; columns set by the
 * statement's values() (bound per set, or SQL) are expired instead.
 */
function synchronizeBulkUpdate(session: AsyncSession, mapper: Mapper, params: readonly Readonly<Record<string, unknown>>[], pkKeys: readonly string[], stmt: Update): void {
  if (session.identityMap.size === 0) return;
  const expire = [...(stmt.setValues?.keys() ?? [])].map((c) => mapper.propByColumn.get(c as never)?.key).filter((k): k is string => k !== undefined);
  for (const row of params) {
    const obj = session.identityMap.get(mapper.identityKey(pkKeys.map((k) => row[k])));
    const st = obj === undefined ? undefined : stateOf(obj);
    if (!st || !st.mapper.isA(mapper)) continue;
    const modified = new Set(st.changedColumnKeys());
    for (const [k, v] of Object.entries(row)) {
      if (pkKeys.includes(k) || !mapper.columnPropsByKey.has(k)) continue;
      if (modified.has(k)) {
        // Changed in memory: expired so the next refresh reads what the UPDATE wrote.
        delete st.dict[k];
        delete st.committed[k];
        (st.expiredMutable ??= new Set()).add(k);
        continue;
      }
      st.dict[k] = v;
      st.committed[k] = v;
      st.expiredMutable?.delete(k);
    }
    for (const k of expire) {
      if (k in row) continue;
      delete st.dict[k];
      delete st.committed[k];
      (st.expiredMutable ??= new Set()).add(k);
    }
  }
}

/** UPDATE/DELETE with criteria, keeping the identity map in step per `synchronizeSession`. */
async function criteriaDml(
  session: AsyncSession,
  conn: AsyncConnection,
  mapper: Mapper,
  stmt: Update | Delete,
  params: ExecuteParams | undefined,
  opts: SessionExecuteOptions,
  returnsEntity: boolean,
): Promise<Result<unknown[], Record<string, unknown>>> {
  const mode = syncMode(opts);
  const extraCriteria = loaderCriteriaFor(mapper, stmt);
  if (extraCriteria.length) stmt = stmt.where(...extraCriteria);
  let matcher: ((st: InstanceState) => MatchResult) | undefined;
  if (mode === "evaluate" || mode === "auto") {
    try {
      matcher = compileMatcher(mapper, stmt.whereCriteria);
    } catch (e) {
      if (mode === "evaluate") throw e;
    }
  }
  const useFetch = mode === "fetch" || (mode === "auto" && !matcher);
  // Joined-table inheritance: one statement against one table of the hierarchy (joined-dml.ts).
  const joined = isMultiTableMapper(mapper) ? joinedCriteriaStatement(mapper, stmt, conn.dialectName) : undefined;
  if (joined && returnsEntity) {
    throw new InvalidRequestError(`${stmt instanceof Update ? "UPDATE" : "DELETE"} of ${mapper.className} (joined-table inheritance) … returning(${mapper.className}) is not supported; return columns, or select the objects afterwards`);
  }
  if (stmt instanceof Update && !joined) stmt = withPrefetchedOnupdates(mapper, stmt, params);
  const pkCols = joined ? joined.pkCols : mapper.pkProps.map((p) => p.column);
  const extraReturning = coreReturning(stmt.returningColumns.filter((c) => !(typeof c === "function" && mapperOf(c) === mapper)));
  const retCols = returnsEntity ? mapper.defaultLoadProps.map((p) => p.column) : [];
  const core = Object.create(Object.getPrototypeOf(stmt)) as Update | Delete;
  const setPlan = stmt instanceof Update ? planSetSync(mapper, stmt) : undefined;
  // "fetch" also RETURNs the new values of SET expressions JS cannot evaluate (SQLAlchemy
  // expires them and loads them on access; athanor never loads implicitly).
  const fetchedSets = useFetch && !joined && setPlan ? setPlan.filter((x) => x.kind === "expire") : [];
  const fetchCols = useFetch ? [...pkCols, ...fetchedSets.map((x) => x.prop.column)] : [];
  // The columns asked for come first; those "fetch" needs are added only where not already
  // there, as SQLAlchemy's supplemental RETURNING columns (`RETURNING users.id, addresses.email`).
  const shown: unknown[] = [...retCols, ...extraReturning];
  const fetchPos: number[] = [];
  const supplemental: unknown[] = [];
  for (const c of fetchCols) {
    const i = shown.indexOf(c);
    fetchPos.push(i >= 0 ? i : shown.length + supplemental.push(c) - 1);
  }
  Object.assign(core, joined?.stmt ?? stmt, { entity: undefined, returningColumns: [...shown, ...supplemental] });
  // Single-table inheritance: a subclass's statement touches only its rows (`kind IN (…)`).
  const discriminator = mapper.polymorphicCriterion();
  if (discriminator) Object.assign(core, { whereCriteria: [...core.whereCriteria, discriminator] });
  const res = await conn.execute(core, params);
  // Rows laid out as [fetched columns…, columns asked for…].
  const rows = core.returningColumns.length
    ? res.all().map((r) => {
        const t = r._tuple() as unknown[];
        return fetchCols.length ? [...fetchPos.map((i) => t[i]), ...t.slice(0, shown.length)] : t;
      })
    : [];
  const affected = core.returningColumns.length ? rows.length : res.rowsAffected;
  // Which identity-mapped objects were affected?
  let affectedStates: InstanceState[] = [];
  // Evaluated criteria that read an unloaded attribute: SQLAlchemy counts the object as matched
  // but cannot know for sure, so a DELETE expires it rather than marking it deleted.
  const partlyExpired = new Set<InstanceState>();
  let fetchedRows: Map<string, unknown[]> | undefined;
  if (mode !== false) {
    // Objects of the class and its subclasses (a subclass object is also a row of this class).
    const candidates = [...session.identityMap.values()].map((o) => stateOf(o)!).filter((s) => s.mapper.isA(mapper));
    if (useFetch) {
      const byKey = new Map(rows.map((r) => [mapper.identityKey(r.slice(0, pkCols.length)), r] as const));
      affectedStates = candidates.filter((s) => s.key && byKey.has(s.key));
      if (fetchedSets.length) fetchedRows = byKey;
    } else if (matcher) {
      for (const st of candidates) {
        // A wholly expired object is left alone: it reloads everything anyway (SQLAlchemy).
        if (st.expired) continue;
        const m = matcher(st);
        if (m === false) continue;
        affectedStates.push(st);
        if (m === "expired") partlyExpired.add(st);
      }
    }
  }
  if (setPlan) {
    applySetSync(mapper, setPlan, affectedStates, (st, key) => {
      const i = fetchedSets.findIndex((x) => x.prop.key === key);
      const row = i < 0 || !st.key ? undefined : fetchedRows?.get(st.key);
      return row === undefined ? NO_FETCHED : row[pkCols.length + i];
    });
    // Values changed in memory inside a SAVEPOINT are expired if it rolls back.
    session._registerAltered(affectedStates);
  } else {
    for (const st of partlyExpired) session.expire(st.obj);
    // Deleted within this transaction: rollback() puts them back in the identity map.
    for (const st of affectedStates) if (!partlyExpired.has(st)) session._removeNewlyDeleted(st);
  }
  if (returnsEntity) {
    const props = mapper.defaultLoadProps;
    const keys = props.map((p) => p.key);
    const populate = opts.populateExisting === true;
    const off = fetchCols.length;
    const tuples = rows.map((raw) => {
      const vals = raw.slice(off, off + props.length);
      const key = mapper.identityKey(mapper.pkProps.map((p) => vals[props.indexOf(p)]));
      let obj = session.identityMap.get(key);
      if (!obj && stmt instanceof Update) {
        const made = mapper.newInstanceForLoad();
        made.state.status = "persistent";
        made.state.key = key;
        made.state.sessionId = session.id;
        session.identityMap.set(key, made.obj);
        obj = made.obj;
      }
      if (obj) {
        refreshExisting(stateOf(obj)!, keys, vals, populate);
      } else {
        const made = mapper.newInstanceForLoad();
        props.forEach((p, i) => (made.state.dict[p.key] = vals[i]));
        made.state.status = "deleted";
        obj = made.obj;
      }
      return [obj, ...raw.slice(off + props.length)];
    });
    return new Result({ keys: [mapper.className, ...extraReturning.map((_, i) => `col_${i}`)], processors: [undefined, ...extraReturning.map(() => undefined)] }, tuples, { rowsAffected: affected, returnsRows: true });
  }
  if (extraReturning.length) {
    const off = fetchCols.length;
    const tuples = rows.map((r) => r.slice(off));
    return new Result({ keys: extraReturning.map((c, i) => (c instanceof ColumnElement ? c.key ?? `col_${i}` : `col_${i}`)), processors: extraReturning.map(() => undefined) }, tuples, { rowsAffected: affected, returnsRows: true });
  }
  return new Result({ keys: [], processors: [] }, [], { rowsAffected: affected, returnsRows: false });
}

/**
 * The criteria of `withLoaderCriteria()` options given to an ORM UPDATE/DELETE with `options()`
 * for its entity (or a superclass of it): SQLAlchemy adds them to the statement's WHERE, and
 * its "evaluate" strategy evaluates them with the other criteria.
 */
function loaderCriteriaFor(mapper: Mapper, stmt: Update | Delete): ColumnElement<boolean>[] {
  const out: ColumnElement<boolean>[] = [];
  for (const o of stmt.loaderOptions) {
    if ((o as { readonly optionKind?: unknown } | null)?.optionKind !== "criteria") continue;
    const opt = o as LoaderCriteriaOption;
    if (mapper.isA(opt.mapper)) out.push(opt.criteria(opt.mapper.class_ as never) as ColumnElement<boolean>);
  }
  return out;
}

/**
 * An UPDATE whose columns with an application-side onupdate (a value or a function, not SQL)
 * get that value in its SET, computed once here as the compiler would (the function sees the
 * parameters as `currentParameters`): SQLAlchemy "prefetches" such values and puts them on the
 * synchronized objects, which the SET plan then does.
 */
function withPrefetchedOnupdates(mapper: Mapper, stmt: Update, params: ExecuteParams | undefined): Update {
  if (stmt.preserveParameterOrder || Array.isArray(params)) return stmt;
  const given = params as Readonly<Record<string, unknown>> | undefined;
  let values: Map<ColumnClause<unknown, string>, unknown> | undefined;
  for (const p of mapper.columnProps) {
    const c = p.column;
    const d = c.onupdate;
    if (d === undefined || d instanceof ClauseElement || stmt.setValues?.has(c) || (given !== undefined && c.key in given)) continue;
    (values ??= new Map()).set(c, clientDefaultValue(d, c.key, given));
  }
  return values ? stmt.values(values) : stmt;
}

/** How one SET column of an UPDATE reaches the objects it matched. */
type SetSync =
  | { readonly kind: "value"; readonly prop: ColumnProperty; readonly value: (st: InstanceState) => unknown }
  | { readonly kind: "expire"; readonly prop: ColumnProperty };

const NO_FETCHED: unique symbol = Symbol("athanor.noFetched");

/** SET columns evaluable in JS get a value function; the others are expired (or fetched). */
function planSetSync(mapper: Mapper, stmt: Update): SetSync[] {
  const out: SetSync[] = [];
  for (const [col, v] of stmt.setValues ?? []) {
    const prop = mapper.propByColumn.get(col as never);
    if (!prop) continue;
    if (v instanceof BindParameter && !v.required) {
      const x = v.effectiveValue();
      out.push({ kind: "value", prop, value: () => x });
      continue;
    }
    const f = compileSetValue(mapper, v);
    out.push(f ? { kind: "value", prop, value: f } : { kind: "expire", prop });
  }
  return out;
}

/**
 * Apply an UPDATE's SET to the matched objects: every new value is computed from the object as
 * it was (so `SET a=b, b=a` swaps), then assigned as committed; values that cannot be computed
 * are expired, unless `fetched` supplies them. Columns the database sets (SQL or server onupdate, computed) are expired.
 */
function applySetSync(mapper: Mapper, plan: readonly SetSync[], states: readonly InstanceState[], fetched: (st: InstanceState, key: string) => unknown): void {
  // Columns the database sets (a SQL or server onupdate, a computed column) are expired, as
  // SQLAlchemy expires its "postfetch" columns.
  const onupdate = mapper.columnProps.filter((p) => (p.column.onupdate !== undefined || p.column.serverOnupdate || p.column.computed !== undefined) && !plan.some((x) => x.prop === p));
  for (const st of states) {
    const assigned: [string, unknown][] = [];
    const expired: string[] = [];
    // An attribute changed in memory and not flushed is expired, not overwritten (SQLAlchemy):
    // the change is lost either way, and the database has the value the UPDATE computed.
    const modified = plan.length ? new Set(st.changedColumnKeys()) : undefined;
    for (const x of plan) {
      if (modified?.has(x.prop.key)) {
        expired.push(x.prop.key);
        continue;
      }
      const got = x.kind === "expire" ? fetched(st, x.prop.key) : NO_FETCHED;
      if (got !== NO_FETCHED) assigned.push([x.prop.key, got]);
      else if (x.kind === "expire") expired.push(x.prop.key);
      else {
        try {
          assigned.push([x.prop.key, x.value(st)]);
        } catch (e) {
          if (!(e instanceof UnevaluableRow)) throw e;
          expired.push(x.prop.key);
        }
      }
    }
    for (const [k, v] of assigned) {
      st.dict[k] = v;
      st.committed[k] = v;
      st.expiredMutable?.delete(k);
    }
    for (const k of [...expired, ...onupdate.map((p) => p.key)]) {
      delete st.dict[k];
      delete st.committed[k];
      (st.expiredMutable ??= new Set()).add(k);
    }
  }
}

/**
 * Evaluate WHERE criteria in JS against in-memory objects ("evaluate" synchronization).
 * Supports comparisons, IN, IS NULL, AND/OR/NOT over the entity's own columns and literal values.
 * @throws InvalidRequestError for anything else (the "auto" strategy then fetches instead).
 */
export function compileEvaluator(mapper: Mapper, criteria: readonly ClauseElement[]): (st: InstanceState) => boolean {
  const match = compileMatcher(mapper, criteria);
  return (st) => match(st) === true;
}

/**
 * SQLAlchemy's `_EvaluatorCompiler(cls).process(*criteria)` for tests and tools: a function of an
 * instance (or `null`, SQLAlchemy's "no object", which gives `null`) returning the criteria's
 * value — `true`, `false`, `null` for SQL NULL (UNKNOWN), or the string "expired" when a needed
 * attribute of a persistent object is not loaded. Several criteria are ANDed.
 * @throws InvalidRequestError ("Could not evaluate current criteria in Python: …") for criteria
 *   the evaluator does not support.
 * @internal
 */
export function evaluatorFor(entity: abstract new (...args: never[]) => object, ...criteria: ClauseElement[]): (obj: object | null) => unknown {
  const mapper = mapperOf(entity as never);
  if (!mapper) throw new ArgumentError(`evaluatorFor(): ${String(entity)} is not a mapped class`);
  const { value } = evaluatorParts(mapper);
  const f = value(criteria.length === 1 ? criteria[0] : new BooleanClauseList("and", criteria as ColumnElement<boolean>[]));
  return (obj) => {
    if (obj === null) return null;
    try {
      return f(stateOf(obj)!);
    } catch (e) {
      if (e instanceof UnevaluableRow) return "expired";
      throw e;
    }
  };
}

/** Whether evaluated criteria hold for an object; "expired" when they read an unloaded attribute (SQLAlchemy's `_EXPIRED_OBJECT`). */
type MatchResult = boolean | "expired";

function compileMatcher(mapper: Mapper, criteria: readonly ClauseElement[]): (st: InstanceState) => MatchResult {
  const { pred } = evaluatorParts(mapper);
  const preds = criteria.map(pred);
  return (st) => {
    try {
      for (const p of preds) if (p(st) !== true) return false;
      return true;
    } catch (e) {
      if (e instanceof UnevaluableRow) return "expired";
      throw e;
    }
  };
}


/**
 * A SET value of an UPDATE evaluated in JS against an object's state before the update
 * (SQLAlchemy 2.0 evaluates `values({ age: User.age.sub(10) })` for "evaluate" and "fetch"):
 * literals, the entity's own columns and `+ - * %` / `||` over them. Undefined when the value
 * cannot be evaluated in JS; the function throws {@link UnevaluableRow} for an object whose
 * needed attribute is not loaded.
 */
function compileSetValue(mapper: Mapper, expr: ClauseElement): ((st: InstanceState) => unknown) | undefined {
  try {
    return evaluatorParts(mapper).value(expr);
  } catch (e) {
    if (e instanceof InvalidRequestError) return undefined;
    throw e;
  }
}

function unevaluable(detail: string): InvalidRequestError {
  return new InvalidRequestError(`Could not evaluate current criteria in Python: "${detail}". Specify 'fetch' or False for the synchronize_session execution option.`);
}

/** JS implementations of the arithmetic operators SQLAlchemy's evaluator supports (numeric operands only). */
const MATH: Readonly<Record<string, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  mod: (a, b) => a % b,
  truediv: (a, b) => a / b,
};
const NUMERIC_AFFINITIES: ReadonlySet<string> = new Set(["integer", "numeric", "float"]);
/** Types `||` concatenates (SQLAlchemy's `Concatenable`: strings and arrays). */
const CONCAT_AFFINITIES: ReadonlySet<string> = new Set(["string", "array"]);
const COMPARISONS: ReadonlySet<string> = new Set(["eq", "ne", "lt", "le", "gt", "ge"]);

type Evaluator = (st: InstanceState) => unknown;

/** The type an operand has for the evaluator: a bound JS string is VARCHAR whatever its coerced type. */
function operandType(e: ClauseElement): { readonly affinity: string; readonly name: string } {
  const type = (e as { readonly type?: { readonly affinity: string; toString(): string } }).type;
  if (e instanceof BindParameter && !e.required) {
    // SQLAlchemy types a literal by its Python value; a JS value is typed the same way here.
    const v = e.effectiveValue();
    if (typeof v === "string") return { affinity: "string", name: "VARCHAR" };
    if (typeof v === "number") return Number.isInteger(v) ? { affinity: "integer", name: "INTEGER" } : { affinity: "float", name: "FLOAT" };
  }
  return { affinity: type?.affinity ?? "null", name: String(type ?? "NULL") };
}

function isNullish(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** SQL equality of two evaluated values: dates by time, tuples element-wise. */
function sameValue(x: unknown, y: unknown): boolean {
  if (x instanceof Date && y instanceof Date) return x.getTime() === y.getTime();
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => sameValue(v, y[i]));
  return x === y;
}

function compareValues(op: string, a: unknown, b: unknown): boolean | null {
  if (isNullish(a) || isNullish(b)) return null;
  if (op === "eq") return sameValue(a, b);
  if (op === "ne") return !sameValue(a, b);
  const x = (a instanceof Date ? a.getTime() : a) as number;
  const y = (b instanceof Date ? b.getTime() : b) as number;
  return op === "lt" ? x < y : op === "le" ? x <= y : op === "gt" ? x > y : x >= y;
}

/** `startsWith()` / `endsWith()` patterns (`x LIKE :p || '%'`); contains() and other LIKEs are not evaluable, as in SQLAlchemy. */
function likeAffix(e: BinaryExpression): { readonly kind: "startswith" | "endswith"; readonly operand: ClauseElement } | undefined {
  if (e.operator !== "like" || e.modifiers.escape !== undefined) return undefined;
  const r = e.right;
  if (!(r instanceof BinaryExpression) || r.operator !== "concat" || r.modifiers.composedLike !== true) return undefined;
  const pct = (x: ClauseElement): boolean => x instanceof LiteralString && x.text === "%";
  if (pct(r.right) && !(r.left instanceof BinaryExpression && r.left.modifiers.composedLike)) return { kind: "startswith", operand: r.left };
  if (pct(r.left) && !pct(r.right)) return { kind: "endswith", operand: r.right };
  return undefined;
}

/**
 * SQLAlchemy's ORM evaluator (`sqlalchemy.orm.evaluator`): criteria and SET expressions compiled
 * to JS functions over an object's loaded state. SQL NULL is `null` and propagates; reading an
 * attribute that is not loaded throws {@link UnevaluableRow}. Anything else raises
 * InvalidRequestError with SQLAlchemy's "Could not evaluate current criteria in Python" message.
 */
function evaluatorParts(mapper: Mapper): { value: (e: ClauseElement) => Evaluator; pred: (e: ClauseElement) => (st: InstanceState) => boolean | null } {
  const attribute = (e: ClauseElement): Evaluator | undefined => {
    const col = e instanceof InstrumentedAttribute ? e.column : e;
    if (!(col instanceof ColumnClause)) return undefined;
    if (e instanceof InstrumentedAttribute) {
      const owner = mapperOf(e.entity as never);
      if (owner && !mapper.isA(owner)) throw unevaluable(`Can't evaluate criteria against alternate class ${owner.className}`);
    }
    const p = mapper.propByColumn.get(col.baseColumn as never);
    if (!p || (col.table !== mapper.table && !(e instanceof InstrumentedAttribute) && !(p.column === col))) {
      const t = col.table as { readonly name?: unknown } | undefined;
      throw unevaluable(`Cannot evaluate column: ${typeof t?.name === "string" ? `${t.name}.` : ""}${col.name}`);
    }
    const k = p.key;
    return (st) => {
      if (k in st.dict) return st.dict[k];
      // A transient object's unset attribute is None to SQLAlchemy; a persistent one's is unloaded.
      if (st.key === undefined) return null;
      throw new UnevaluableRow();
    };
  };
  const strict = (l: Evaluator, r: Evaluator, f: (a: unknown, b: unknown) => unknown): Evaluator => (st) => {
    const a = l(st);
    const b = r(st);
    return isNullish(a) || isNullish(b) ? null : f(a, b);
  };
  const binary = (e: BinaryExpression): Evaluator => {
    const op = e.operator;
    const affix = likeAffix(e);
    if (affix) {
      const l = value(e.left);
      const r = value(affix.operand);
      return strict(l, r, (a, b) => (affix.kind === "startswith" ? String(a).startsWith(String(b)) : String(a).endsWith(String(b))));
    }
    if (op === "custom") {
      const sqlOp = (e.modifiers.customSql ?? "").trim();
      throw unevaluable(`Custom operator '${sqlOp}' can't be evaluated in Python unless it specifies a callable using \`.python_impl\`.`);
    }
    if (MATH[op] !== undefined) {
      const lt = operandType(e.left);
      const rt = operandType(e.right);
      if (!NUMERIC_AFFINITIES.has(lt.affinity) || !NUMERIC_AFFINITIES.has(rt.affinity)) {
        throw unevaluable(`Cannot evaluate math operator "${op}" for datatypes ${lt.name}, ${rt.name}`);
      }
      const f = MATH[op];
      return strict(value(e.left), value(e.right), (a, b) => f(a as number, b as number));
    }
    if (op === "concat") {
      const lt = operandType(e.left);
      const rt = operandType(e.right);
      if (!CONCAT_AFFINITIES.has(lt.affinity) || !CONCAT_AFFINITIES.has(rt.affinity)) {
        throw unevaluable(`Cannot evaluate concatenate operator "concat_op" for datatypes ${lt.name}, ${rt.name}`);
      }
      return strict(value(e.left), value(e.right), (a, b) => (Array.isArray(a) ? [...a, ...(b as unknown[])] : String(a) + String(b)));
    }
    if (op === "is" || op === "isNot") {
      // IS / IS NOT compare as Python does: NULL is a value here.
      const l = value(e.left);
      const r = value(e.right);
      return (st) => {
        const a = l(st);
        const b = r(st);
        const same = isNullish(a) || isNullish(b) ? isNullish(a) && isNullish(b) : sameValue(a, b);
        return op === "is" ? same : !same;
      };
    }
    if (op === "in" || op === "notIn") {
      const l = value(e.left);
      if (!(e.right instanceof BindParameter) || !e.right.expanding) throw unevaluable(`Cannot evaluate BinaryExpression with operator ${op} against ${e.right.describe()}`);
      const list = e.right.effectiveValue() as readonly unknown[];
      return (st) => {
        const v = l(st);
        if (isNullish(v)) return null;
        const hit = list.some((x) => sameValue(v, x));
        return op === "in" ? hit : !hit;
      };
    }
    if (COMPARISONS.has(op)) {
      const l = value(e.left);
      const r = value(e.right);
      return (st) => compareValues(op, l(st), r(st));
    }
    throw unevaluable(`Cannot evaluate BinaryExpression with operator ${op}`);
  };
  const value = (e: ClauseElement): Evaluator => {
    if (e instanceof Grouping) return value(e.element);
    const a = attribute(e);
    if (a) return a;
    if (e instanceof BindParameter && !e.required) {
      const v = e.effectiveValue();
      return () => v;
    }
    if (e instanceof Constant) return () => (e.which === "null" ? null : e.which === "true");
    if (e instanceof Tuple) {
      const parts = e.clauses.map(value);
      // A tuple with a NULL member compares as NULL.
      return (st) => {
        const out = parts.map((p) => p(st));
        return out.some(isNullish) ? null : out;
      };
    }
    if (e instanceof BinaryExpression) return binary(e);
    if (e instanceof BooleanClauseList) return pred(e);
    if (e instanceof UnaryExpression && e.operator === "not") return pred(e);
    if (e instanceof UnaryExpression && e.operator === "neg") {
      const v = value(e.element);
      return (st) => {
        const x = v(st);
        return isNullish(x) ? null : -(x as number);
      };
    }
    throw unevaluable(`Cannot evaluate ${e.constructor.name}`);
  };
  const pred = (e: ClauseElement): ((st: InstanceState) => boolean | null) => {
    if (e instanceof Grouping) return pred(e.element);
    if (e instanceof BooleanClauseList) {
      const parts = e.clauses.map(pred);
      const and = e.operator === "and";
      return (st) => {
        let unknown = false;
        for (const p of parts) {
          const r = p(st);
          if (r === !and) return r;
          if (r === null) unknown = true;
        }
        return unknown ? null : and;
      };
    }
    if (e instanceof UnaryExpression && e.operator === "not") {
      const p = pred(e.element);
      return (st) => {
        const r = p(st);
        return r === null ? null : !r;
      };
    }
    const v = value(e);
    return (st) => {
      const r = v(st);
      return isNullish(r) ? null : Boolean(r);
    };
  };
  return { value, pred };
}
class UnevaluableRow extends Error {}
