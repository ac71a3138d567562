/**
 * ORM-enabled INSERT, UPDATE and DELETE (SQLAlchemy 2.0): bulk INSERT (returning objects),
 * bulk UPDATE by primary key, and criteria UPDATE/DELETE with `synchronizeSession`
 * ("auto" | "evaluate" | "fetch" | false) keeping identity-mapped objects in step.
 * Inheritance: a single-table subclass's statements carry its discriminator criterion and its
 * bulk INSERT rows its polymorphic identity; joined-table subclasses go through joined-dml.ts.
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { BinaryExpression, BindParameter, BooleanClauseList, ClauseElement, ColumnElement, Constant, Grouping, UnaryExpression, and, bindparam } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Delete, Insert, Update, UpdateBase } from "../sql/dml.js";
import { Result } from "../engine/result/index.js";
import { takeValueRows } from "../engine/orm-rows.js";
import type { AsyncConnection, ExecuteParams } from "../engine/connection.js";
import { InstrumentedAttribute, mapperOf, type Mapper } from "./mapper.js";
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
  if (stmt instanceof Update && Array.isArray(params)) return bulkUpdateByPk(conn, mapper, stmt, params);
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
  if (!returnsEntity) return conn.execute(stmt, rows);
  // RETURNING the entity: select every loaded column and build identity-mapped objects.
  const props = mapper.defaultLoadProps;
  const others = stmt.returningColumns.filter((c) => !(typeof c === "function" && mapperOf(c) === mapper));
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

/** `session.execute(update(User), [{ id: 1, fullname: "…" }, …])`: executemany UPDATE … WHERE pk = … . */
async function bulkUpdateByPk(conn: AsyncConnection, mapper: Mapper, stmt: Update, params: readonly Readonly<Record<string, unknown>>[]): Promise<Result<unknown[], Record<string, unknown>>> {
  if (stmt.whereCriteria.length || stmt.setValues) {
    throw new InvalidRequestError("ORM bulk UPDATE by primary key takes no WHERE or values(); pass a list of parameter sets including the primary key");
  }
  if (isMultiTableMapper(mapper)) return joinedBulkUpdate(conn, mapper, params);
  const pkKeys = mapper.pkProps.map((p) => p.key);
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const row of params) {
    for (const k of pkKeys) if (row[k] === undefined) throw new ArgumentError(`ORM bulk UPDATE: parameter set is missing primary key '${k}' of ${mapper.className}`);
    const setKeys = Object.keys(row).filter((k) => !pkKeys.includes(k)).sort();
    for (const k of setKeys) if (!mapper.columnPropsByKey.has(k)) throw new ArgumentError(`ORM bulk UPDATE: '${k}' is not a column attribute of ${mapper.className}`);
    const sig = setKeys.join(",");
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = []));
    g.push(row as Record<string, unknown>);
  }
  let affected = 0;
  for (const [sig, rows] of groups) {
    const setKeys = sig ? sig.split(",") : [];
    if (!setKeys.length) continue;
    const values: Record<string, unknown> = {};
    for (const k of setKeys) values[mapper.columnPropsByKey.get(k)!.column.key] = bindparam(`_set_${k}`);
    const core = new Update(mapper.table).where(...mapper.pkProps.map((p) => p.column.eq(bindparam(`_pk_${p.key}`)))).values(values as never);
    const ps = rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (const k of setKeys) o[`_set_${k}`] = r[k];
      for (const k of pkKeys) o[`_pk_${k}`] = r[k];
      return o;
    });
    affected += (await conn.execute(core, ps)).rowsAffected;
  }
  return new Result({ keys: [], processors: [] }, [], { rowsAffected: affected, returnsRows: false });
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
  const mode = opts.synchronizeSession ?? "auto";
  let matcher: ((st: InstanceState) => boolean) | undefined;
  if (mode === "evaluate" || mode === "auto") {
    try {
      matcher = compileEvaluator(mapper, stmt.whereCriteria);
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
  const extraReturning = stmt.returningColumns.filter((c) => !(typeof c === "function" && mapperOf(c) === mapper));
  const retCols = returnsEntity ? mapper.defaultLoadProps.map((p) => p.column) : [];
  const core = Object.create(Object.getPrototypeOf(stmt)) as Update | Delete;
  const fetchCols = useFetch ? pkCols : [];
  Object.assign(core, joined?.stmt ?? stmt, { entity: undefined, returningColumns: [...fetchCols, ...retCols, ...extraReturning] });
  // Single-table inheritance: a subclass's statement touches only its rows (`kind IN (…)`).
  const discriminator = mapper.polymorphicCriterion();
  if (discriminator) Object.assign(core, { whereCriteria: [...core.whereCriteria, discriminator] });
  const res = await conn.execute(core, params);
  const rows = core.returningColumns.length ? res.all().map((r) => r._tuple() as unknown[]) : [];
  const affected = core.returningColumns.length ? rows.length : res.rowsAffected;
  // Which identity-mapped objects were affected?
  let affectedStates: InstanceState[] = [];
  if (mode !== false) {
    // Objects of the class and its subclasses (a subclass object is also a row of this class).
    const candidates = [...session.identityMap.values()].map((o) => stateOf(o)!).filter((s) => s.mapper.isA(mapper));
    if (useFetch) {
      const keys = new Set(rows.map((r) => mapper.identityKey(r.slice(0, pkCols.length))));
      affectedStates = candidates.filter((s) => s.key && keys.has(s.key));
    } else if (matcher) affectedStates = candidates.filter((s) => matcher!(s));
  }
  if (stmt instanceof Update) {
    const evalValues = new Map<string, unknown>();
    let expireKeys: string[] = [];
    for (const [col, v] of stmt.setValues ?? []) {
      const prop = mapper.propByColumn.get(col as never);
      if (!prop) continue;
      if (v instanceof BindParameter && !v.required) evalValues.set(prop.key, v.effectiveValue());
      else expireKeys.push(prop.key);
    }
    for (const st of affectedStates) {
      for (const [k, v] of evalValues) {
        st.dict[k] = v;
        st.committed[k] = v;
      }
      for (const k of expireKeys) {
        delete st.dict[k];
        delete st.committed[k];
        (st.expired ??= new Set()).add(k);
      }
      for (const p of mapper.columnProps) if (p.column.onupdate !== undefined) {
        delete st.dict[p.key];
        (st.expired ??= new Set()).add(p.key);
      }
    }
    expireKeys = [];
  } else {
    for (const st of affectedStates) {
      st.status = "deleted";
      if (st.key) session.identityMap.delete(st.key);
      session.deletedStates.delete(st);
    }
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
          st.expired?.delete(p.key);
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

/**
 * Evaluate WHERE criteria in JS against in-memory objects ("evaluate" synchronization).
 * Supports comparisons, IN, IS NULL, AND/OR/NOT over the entity's own columns and literal values.
 * @throws InvalidRequestError for anything else (the "auto" strategy then fetches instead).
 */
export function compileEvaluator(mapper: Mapper, criteria: readonly ClauseElement[]): (st: InstanceState) => boolean {
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
    throw new InvalidRequestError(`Could not evaluate current criteria in JS: ${e.describe()}`);
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
        if (!(e.right instanceof BindParameter) || !e.right.expanding) throw new InvalidRequestError("Could not evaluate IN criteria in JS");
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
    throw new InvalidRequestError(`Could not evaluate current criteria in JS: ${e.describe()}`);
  };
  const preds = criteria.map(pred);
  const all = and(...(criteria as ColumnElement<unknown, string>[]));
  void all;
  return (st) => {
    try {
      return preds.every((p) => p(st) === true);
    } catch (e) {
      if (e instanceof UnevaluableRow) return false;
      throw e;
    }
  };
}
class UnevaluableRow extends Error {}
