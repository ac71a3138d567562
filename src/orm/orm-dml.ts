/**
 * ORM-enabled INSERT, UPDATE and DELETE (SQLAlchemy 2.0): bulk INSERT (returning objects),
 * bulk UPDATE by primary key, and criteria UPDATE/DELETE with `synchronizeSession`
 * ("auto" | "evaluate" | "fetch" | false) keeping identity-mapped objects in step.
 * Inheritance: a single-table subclass's statements carry its discriminator criterion and its
 * bulk INSERT rows its polymorphic identity; joined-table subclasses go through joined-dml.ts.
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { BinaryExpression, BindParameter, BooleanClauseList, ClauseElement, ColumnElement, Constant, Grouping, UnaryExpression, bindparam } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Delete, Insert, Update, UpdateBase } from "../sql/dml.js";
import { Result } from "../engine/result/index.js";
import { takeValueRows } from "../engine/orm-rows.js";
import type { AsyncConnection, ExecuteParams } from "../engine/connection.js";
import { InstrumentedAttribute, mapperOf, type ColumnProperty, type Mapper } from "./mapper.js";
import { stateOf, type InstanceState } from "./state.js";
import type { AsyncSession, SessionExecuteOptions } from "./session.js";
import { WRITE_ONLY_PARENT } from "./write-only.js";
import { isMultiTableMapper } from "./inheritance.js";
import { joinedBulkInsert, joinedBulkUpdate, joinedCriteriaStatement } from "./joined-dml.js";

/** Whether a statement is DML against a mapped class. */
export function isOrmDml(stmt: unknown): stmt is UpdateBase {
  return stmt instanceof UpdateBase && typeof stmt.entity === "function" && mapperOf(stmt.entity) !== undefined;
}

/** Mappers whose every column attribute is bound under its own key (the usual case). */
const sameKeys = new WeakMap<Mapper, boolean>();
/** Turn attribute-keyed parameters into column-keyed ones (the row itself when the keys coincide). */
function toColumnKeys(mapper: Mapper, row: Readonly<Record<string, unknown>>, what: string): Record<string, unknown> {
  let same = sameKeys.get(mapper);
  if (same === undefined) sameKeys.set(mapper, (same = mapper.columnProps.every((p) => p.column.key === p.key)));
  if (same) {
    // Only checked, not copied: a bulk insert of 100,000 rows would otherwise copy every row.
    for (const k in row) {
      if (!mapper.columnPropsByKey.has(k) && Object.prototype.hasOwnProperty.call(row, k)) throw new ArgumentError(`${what}: '${k}' is not a column attribute of ${mapper.className}`);
    }
    return row as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const p = mapper.columnPropsByKey.get(k);
    if (!p) throw new ArgumentError(`${what}: '${k}' is not a column attribute of ${mapper.className}`);
    out[p.column.key] = v;
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
  const returnsEntity = stmt.returningColumns.some((c) => c === (stmt.entity as never) || (typeof c === "function" && mapperOf(c) === mapper));
  if (stmt instanceof Insert) return ormInsert(session, conn, mapper, stmt, params, returnsEntity);
  if (stmt instanceof Update && Array.isArray(params)) return bulkUpdateByPk(session, conn, mapper, stmt, params, opts);
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
): Promise<Result<unknown[], Record<string, unknown>>> {
  ({ stmt, params } = applyFixedValues(mapper, stmt, params));
  ({ stmt, params } = withPolymorphicIdentity(mapper, stmt, params));
  // Joined-table inheritance: one INSERT per table, base first (joined-dml.ts).
  if (isMultiTableMapper(mapper) && params !== undefined) {
    return joinedBulkInsert(session, conn, mapper, stmt, Array.isArray(params) ? params : [params as Readonly<Record<string, unknown>>], returnsEntity);
  }
  const rows = params === undefined ? undefined : Array.isArray(params) ? params.map((r) => toColumnKeys(mapper, r, "ORM bulk insert")) : toColumnKeys(mapper, params as Record<string, unknown>, "ORM insert");
  if (!returnsEntity) {
    if (!stmt.returningColumns.some((c) => c instanceof InstrumentedAttribute)) return conn.execute(stmt, rows);
    const plain = Object.assign(Object.create(Object.getPrototypeOf(stmt)) as Insert, stmt, { returningColumns: coreReturning(stmt.returningColumns) });
    return conn.execute(plain, rows);
  }
  // RETURNING the entity: select every loaded column and build identity-mapped objects.
  const props = mapper.defaultLoadProps;
  const others = coreReturning(stmt.returningColumns.filter((c) => !(typeof c === "function" && mapperOf(c) === mapper)));
  const core = Object.create(Object.getPrototypeOf(stmt)) as Insert;
  Object.assign(core, stmt, { returningColumns: [...props.map((p) => p.column), ...others], entity: undefined });
  const res = await conn.execute(core, rows);
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
      st = stateOf(obj)!;
      const d = st.dict;
      const c = st.committed;
      for (let i = 0; i < nProps; i++) {
        d[keys[i]] = raw[i];
        c[keys[i]] = raw[i];
      }
    }
    tuples[r] = raw.length === nProps ? [obj] : [obj, ...raw.slice(nProps)];
  }
  const resultKeys = [mapper.className, ...others.map((c, i) => (c instanceof ColumnElement ? c.key ?? `col_${i}` : `col_${i}`))];
  return new Result({ keys: resultKeys, processors: resultKeys.map(() => undefined) }, tuples, { rowsAffected: res.rowsAffected, returnsRows: true });
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
function applyFixedValues(mapper: Mapper, stmt: Insert, params: ExecuteParams | undefined): { stmt: Insert; params: ExecuteParams | undefined } {
  const fixed: Record<string, unknown> = { ...((stmt.annotations[WRITE_ONLY_PARENT] as Record<string, unknown> | undefined) ?? {}) };
  const hasValues = stmt.valueRows !== undefined;
  if (params === undefined) {
    // No parameter sets: the fixed values become (part of) the VALUES clause.
    return Object.keys(fixed).length ? { stmt: stmt.values(fixed as never), params } : { stmt, params };
  }
  if (hasValues) {
    if (stmt.isMultiValues) throw new InvalidRequestError("ORM insert: a multi-row values() cannot be combined with execution parameter sets");
    for (const [col, v] of stmt.valueRows![0]) {
      const prop = mapper.propByColumn.get(col as never);
      if (!prop || !(v instanceof BindParameter) || v.required) {
        throw new InvalidRequestError(`ORM insert: values() entry for ${col.describe()} must be a plain value when execution parameter sets are given`);
      }
      fixed[prop.key] = v.effectiveValue();
    }
    stmt = Object.assign(Object.create(Object.getPrototypeOf(stmt)) as Insert, stmt, { valueRows: undefined, isMultiValues: false });
  }
  if (!Object.keys(fixed).length) return { stmt, params };
  const merge = (r: Readonly<Record<string, unknown>>) => ({ ...fixed, ...r });
  return { stmt, params: Array.isArray(params) ? params.map(merge) : merge(params as Readonly<Record<string, unknown>>) };
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
  if (stmt.setValues) {
    throw new InvalidRequestError("ORM bulk UPDATE by primary key takes no values(); pass a list of parameter sets including the primary key");
  }
  if (stmt.whereCriteria.length && mode !== false) {
    throw new InvalidRequestError(
      "bulk synchronize of persistent objects not supported when using bulk update with additional WHERE criteria right now.  add synchronize_session=None execution option to bypass synchronize of persistent objects.",
    );
  }
  const pkKeys = mapper.pkProps.map((p) => p.key);
  for (const row of params) checkBulkRow(mapper, row, pkKeys, stmt.whereCriteria.length > 0);
  const result = isMultiTableMapper(mapper) ? await joinedBulkUpdate(conn, mapper, params) : await bulkUpdateRuns(conn, mapper, stmt, params, pkKeys);
  if (mode !== false) synchronizeBulkUpdate(session, mapper, params, pkKeys);
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
    if (!setProps.length) continue;
    const values: Record<string, unknown> = {};
    for (const p of setProps) values[p.column.key] = bindparam(p.column.key);
    const core = new Update(mapper.table)
      .where(...mapper.pkProps.map((p) => p.column.eq(bindparam(pkBind(p)))), ...(stmt.whereCriteria as ColumnElement<boolean>[]))
      .values(values as never);
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

/** Give identity-mapped objects the values a bulk UPDATE by primary key wrote. */
function synchronizeBulkUpdate(session: AsyncSession, mapper: Mapper, params: readonly Readonly<Record<string, unknown>>[], pkKeys: readonly string[]): void {
  if (session.identityMap.size === 0) return;
  for (const row of params) {
    const obj = session.identityMap.get(mapper.identityKey(pkKeys.map((k) => row[k])));
    const st = obj === undefined ? undefined : stateOf(obj);
    if (!st || !st.mapper.isA(mapper)) continue;
    for (const [k, v] of Object.entries(row)) {
      if (pkKeys.includes(k) || !mapper.columnPropsByKey.has(k)) continue;
      st.dict[k] = v;
      st.committed[k] = v;
      st.expiredMutable?.delete(k);
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
  const pkCols = joined ? joined.pkCols : mapper.pkProps.map((p) => p.column);
  const extraReturning = coreReturning(stmt.returningColumns.filter((c) => !(typeof c === "function" && mapperOf(c) === mapper)));
  const retCols = returnsEntity ? mapper.defaultLoadProps.map((p) => p.column) : [];
  const core = Object.create(Object.getPrototypeOf(stmt)) as Update | Delete;
  const setPlan = stmt instanceof Update ? planSetSync(mapper, stmt) : undefined;
  // "fetch" also RETURNs the new values of SET expressions JS cannot evaluate (SQLAlchemy
  // expires them and loads them on access; athanor never loads implicitly).
  const fetchedSets = useFetch && !joined && setPlan ? setPlan.filter((x) => x.kind === "expire") : [];
  const fetchCols = useFetch ? [...pkCols, ...fetchedSets.map((x) => x.prop.column)] : [];
  Object.assign(core, joined?.stmt ?? stmt, { entity: undefined, returningColumns: [...fetchCols, ...retCols, ...extraReturning] });
  // Single-table inheritance: a subclass's statement touches only its rows (`kind IN (…)`).
  const discriminator = mapper.polymorphicCriterion();
  if (discriminator) Object.assign(core, { whereCriteria: [...core.whereCriteria, discriminator] });
  const res = await conn.execute(core, params);
  const rows = core.returningColumns.length ? res.all().map((r) => r._tuple() as unknown[]) : [];
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
        const st = stateOf(obj)!;
        props.forEach((p, i) => {
          st.dict[p.key] = vals[i];
          st.committed[p.key] = vals[i];
          st.expiredMutable?.delete(p.key);
        });
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
 * are expired, unless `fetched` supplies them. Columns with an `onupdate` are expired.
 */
function applySetSync(mapper: Mapper, plan: readonly SetSync[], states: readonly InstanceState[], fetched: (st: InstanceState, key: string) => unknown): void {
  const onupdate = mapper.columnProps.filter((p) => p.column.onupdate !== undefined && !plan.some((x) => x.prop === p));
  for (const st of states) {
    const assigned: [string, unknown][] = [];
    const expired: string[] = [];
    for (const x of plan) {
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

const ARITH: Readonly<Record<string, (a: unknown, b: unknown) => unknown>> = {
  add: (a, b) => (a as number) + (b as number),
  sub: (a, b) => (a as number) - (b as number),
  mul: (a, b) => (a as number) * (b as number),
  mod: (a, b) => (a as number) % (b as number),
  concat: (a, b) => String(a) + String(b),
};

function evaluatorParts(mapper: Mapper): { value: (e: ClauseElement) => (st: InstanceState) => unknown; pred: (e: ClauseElement) => (st: InstanceState) => boolean | null } {
  const colKey = (e: ClauseElement): string | undefined => {
    const col = e instanceof InstrumentedAttribute ? e.column : e;
    if (col instanceof ColumnClause) {
      const p = mapper.propByColumn.get(col.baseColumn as never);
      if (p && (col.table === mapper.table || e instanceof InstrumentedAttribute)) return p.key;
    }
    return undefined;
  };
  const value = (e: ClauseElement): ((st: InstanceState) => unknown) => {
    if (e instanceof Grouping) return value(e.element);
    const k = colKey(e);
    if (k !== undefined) {
      return (st) => {
        if (!(k in st.dict)) throw new UnevaluableRow();
        return st.dict[k];
      };
    }
    if (e instanceof BindParameter && !e.required) {
      const v = e.effectiveValue();
      return () => v;
    }
    if (e instanceof Constant) return () => (e.which === "null" ? null : e.which === "true");
    if (e instanceof BinaryExpression && ARITH[e.operator] !== undefined) {
      const f = ARITH[e.operator];
      const l = value(e.left);
      const r = value(e.right);
      // SQL NULL propagates through arithmetic and ||.
      return (st) => {
        const a = l(st);
        const b = r(st);
        return a === null || a === undefined || b === null || b === undefined ? null : f(a, b);
      };
    }
    if (e instanceof UnaryExpression && e.operator === "neg") {
      const v = value(e.element);
      return (st) => {
        const a = v(st);
        return a === null || a === undefined ? null : -(a as number);
      };
    }
    throw unevaluable(`Cannot evaluate ${e.describe()}`);
  };
  const cmp = (op: string, a: unknown, b: unknown): boolean | null => {
    if (a === null || a === undefined || b === null || b === undefined) return null;
    const x = a instanceof Date ? a.getTime() : a;
    const y = b instanceof Date ? b.getTime() : b;
    switch (op) {
      case "eq": return x === y;
      case "ne": return x !== y;
      case "lt": return (x as number) < (y as number);
      case "le": return (x as number) <= (y as number);
      case "gt": return (x as number) > (y as number);
      case "ge": return (x as number) >= (y as number);
    }
    return null;
  };
  const pred = (e: ClauseElement): ((st: InstanceState) => boolean | null) => {
    if (e instanceof Grouping) return pred(e.element);
    if (e instanceof BooleanClauseList) {
      const parts = e.clauses.map(pred);
      return e.operator === "and"
        ? (st) => {
            let unknown = false;
            for (const p of parts) {
              const r = p(st);
              if (r === false) return false;
              if (r === null) unknown = true;
            }
            return unknown ? null : true;
          }
        : (st) => {
            let unknown = false;
            for (const p of parts) {
              const r = p(st);
              if (r === true) return true;
              if (r === null) unknown = true;
            }
            return unknown ? null : false;
          };
    }
    if (e instanceof UnaryExpression && e.operator === "not") {
      const p = pred(e.element);
      return (st) => {
        const r = p(st);
        return r === null ? null : !r;
      };
    }
    if (e instanceof BinaryExpression) {
      const op = e.operator;
      if (op === "is" || op === "isNot") {
        const l = value(e.left);
        return (st) => (l(st) === null || l(st) === undefined) === (op === "is");
      }
      if (op === "in" || op === "notIn") {
        const l = value(e.left);
        if (!(e.right instanceof BindParameter) || !e.right.expanding) throw unevaluable("Cannot evaluate IN with a non-list right side");
        const list = e.right.effectiveValue() as unknown[];
        return (st) => {
          const v = l(st);
          if (v === null || v === undefined) return null;
          const hit = list.some((x) => cmp("eq", v, x));
          return op === "in" ? hit : !hit;
        };
      }
      if (["eq", "ne", "lt", "le", "gt", "ge"].includes(op)) {
        const l = value(e.left);
        const r = value(e.right);
        return (st) => cmp(op, l(st), r(st));
      }
    }
    throw unevaluable(`Cannot evaluate ${e.describe()}`);
  };
  return { value, pred };
}
class UnevaluableRow extends Error {}
