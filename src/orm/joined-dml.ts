/**
 * ORM-enabled DML for joined-table inheritance (SQLAlchemy 2.0 "ORM Bulk INSERT for Joined Table
 * Inheritance", "ORM Bulk UPDATE by Primary Key" and "UPDATE/DELETE with Custom WHERE Criteria
 * for Joined Table Inheritance"):
 * - bulk INSERT emits one INSERT per table, base table first; the base rows return their
 *   generated keys, which the subclass rows copy; `returning(Entity)` splices the RETURNING rows
 *   of every table into one object per parameter set;
 * - bulk UPDATE by primary key emits one UPDATE per table that has values to set;
 * - a criteria UPDATE/DELETE stays one statement against one table: the subclass's own table,
 *   or for an UPDATE setting only inherited columns, the table holding them. Primary-key
 *   columns are rewritten to that table's own key columns, and every other table of the
 *   hierarchy the statement needs is joined by the inheritance condition (UPDATE … FROM /
 *   DELETE … USING; SQLAlchemy makes the application state that condition, athanor adds it).
 *   As in SQLAlchemy, a criteria DELETE of a subclass deletes its own table's rows only: delete
 *   the base rows too (or rely on ON DELETE CASCADE from the base) to remove the objects whole.
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { BindParameter, ClauseElement, ColumnElement, bindparam } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Delete, Insert, Update, insert } from "../sql/dml.js";
import type { ColumnImpl, Table } from "../sql/schema.js";
import { Result } from "../engine/result/index.js";
import { takeValueRows } from "../engine/orm-rows.js";
import type { AsyncConnection } from "../engine/connection.js";
import { adaptExpression, tablesOf } from "./aliased.js";
import { tableParts } from "./inheritance.js";
import { InstrumentedAttribute, mapperOf, type ColumnProperty, type Mapper } from "./mapper.js";
import { stateOf, type InstanceState } from "./state.js";
import type { AsyncSession } from "./session.js";

type Row = Record<string, unknown>;

/** A key's values as one string (bigint-safe), for matching RETURNING rows to parameter sets. */
const keyText = (vals: readonly unknown[]): string => JSON.stringify(vals, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

/**
 * `session.execute(insert(Engineer), [{ name, engineerInfo }, …])`, optionally with
 * `returning(Engineer, …mapped columns)`. Parameter sets are keyed by attribute; the
 * discriminator is filled in with the class's polymorphic identity when absent.
 * @throws ArgumentError for a key that is not a column attribute of the class;
 *   InvalidRequestError for RETURNING elements other than the entity and its mapped columns, and
 *   on a batch-only driver (D1, Neon HTTP) for RETURNING or parameter sets without the primary key.
 */
export async function joinedBulkInsert(
  session: AsyncSession,
  conn: AsyncConnection,
  mapper: Mapper,
  stmt: Insert,
  params: readonly Readonly<Row>[],
  returnsEntity: boolean,
): Promise<Result<unknown[], Record<string, unknown>>> {
  if (stmt.extensions.length) {
    // SQLAlchemy's message names the mapper as `Mapper[Class(local_table)]`.
    throw new InvalidRequestError(`bulk INSERT with a 'post values' clause (typically upsert) not supported for multi-table mapper Mapper[${mapper.className}(${mapper.table.name})]`);
  }
  if (stmt.valueRows !== undefined) {
    throw new InvalidRequestError(`ORM bulk INSERT of ${mapper.className} (joined-table inheritance) takes parameter sets only, not values()`);
  }
  const extra = stmt.returningColumns.filter((c) => !(typeof c === "function" && mapperOf(c) === mapper) && c !== (stmt.entity as never));
  const extraProps = extra.map((c, i) => {
    const el = c instanceof InstrumentedAttribute ? c.column : c;
    const col = el instanceof ColumnClause ? el.baseColumn : undefined;
    const p = col ? mapper.propByColumn.get(col as never) : undefined;
    if (!p) throw new InvalidRequestError(`ORM bulk INSERT of ${mapper.className}: RETURNING element ${i + 1} must be the entity or one of its mapped columns`);
    return p;
  });
  const disc = mapper.base.polymorphicOn;
  const data: Row[] = params.map((r) => {
    for (const k in r) {
      if (!mapper.columnPropsByKey.has(k) && Object.prototype.hasOwnProperty.call(r, k)) throw new ArgumentError(`ORM bulk insert: '${k}' is not a column attribute of ${mapper.className}`);
    }
    const row: Row = { ...r };
    if (disc && row[disc.key] === undefined && mapper.polymorphicIdentity !== undefined) row[disc.key] = mapper.polymorphicIdentity;
    return row;
  });
  const wantAll = returnsEntity || extraProps.length > 0;
  if (!conn.engine.driver.capabilities.interactiveTransactions) {
    // The writes are queued for the commit batch, so no RETURNING row (no generated key) exists yet.
    const baseKeys = mapper.pkProps.map((p) => p.key);
    if (wantAll || data.some((row) => baseKeys.some((k) => row[k] == null))) {
      throw new InvalidRequestError(
        `ORM bulk INSERT of ${mapper.className} (joined-table inheritance) on ${conn.engine.driver.name} (no interactive transactions) needs every primary key ` +
          `(${baseKeys.join(", ")}) in the parameter sets and no RETURNING: the subclass rows need the base rows' keys before the commit batch runs. ` +
          `Give the keys (e.g. a client-side UUIDv7 default), or add the objects with session.add() (the unit of work allocates keys there).`,
      );
    }
  }
  for (const part of tableParts(mapper)) {
    const isBase = part.table === mapper.base.table;
    const keyProps = part.pk.map(([, p]) => p);
    // Grouped by the set of attributes given, as one executemany each.
    const groups = new Map<string, number[]>();
    data.forEach((row, i) => {
      const sig = part.props.filter((p) => row[p.key] !== undefined).map((p) => p.key).join(",");
      const g = groups.get(sig);
      if (g) g.push(i);
      else groups.set(sig, [i]);
    });
    for (const [sig, idx] of groups) {
      const given = sig ? sig.split(",").map((k) => mapper.columnPropsByKey.get(k)!) : [];
      const keySent = !isBase || keyProps.every((p) => given.includes(p));
      const rows = idx.map((i) => {
        const r: Row = {};
        if (!isBase) for (const [col, p] of part.pk) r[col.key] = data[i][p.key];
        for (const p of given) r[p.column.key] = data[i][p.key];
        return r;
      });
      // RETURNING: the base keys the subclass rows need, or (returning the entity) every column of the table.
      const fetch: ColumnProperty[] = wantAll ? [...part.props] : isBase && !keySent ? keyProps : [];
      if (!isBase && wantAll) for (const p of keyProps) if (!fetch.includes(p)) fetch.unshift(p);
      const cols: ColumnImpl[] = fetch.map((p) => (isBase ? p.column : part.pk.find(([, q]) => q === p)?.[0] ?? p.column) as ColumnImpl);
      if (!fetch.length) {
        await conn.execute(insert(part.table), rows);
        continue;
      }
      const out = takeValueRows(await conn.execute(insert(part.table).returning(...cols), rows));
      if (out.length !== idx.length) throw new InvalidRequestError(`INSERT into '${part.table.name}' returned ${out.length} row(s) for ${idx.length} parameter set(s)`);
      // Sent keys match rows by value (RETURNING order is not promised); generated keys by position.
      const keyPos = keyProps.map((p) => fetch.indexOf(p));
      const byKey = keySent && keyPos.every((j) => j >= 0) && idx.length > 1 ? new Map(out.map((r) => [keyText(keyPos.map((j) => r[j])), r])) : undefined;
      idx.forEach((i, n) => {
        const r = byKey?.get(keyText(keyProps.map((p) => data[i][p.key]))) ?? out[n];
        fetch.forEach((p, j) => (data[i][p.key] = r[j]));
      });
    }
  }
  if (!wantAll) return new Result({ keys: [], processors: [] }, [], { rowsAffected: data.length, returnsRows: false });
  // One identity-mapped object per parameter set, with the values every table returned.
  const props = mapper.defaultLoadProps;
  const ctx = session.loadContext(true);
  const identityMap = ctx.identityMap;
  const tuples = data.map((row) => {
    const part = mapper.identityPartOf(mapper.pkProps.map((p) => row[p.key]));
    let obj = identityMap.getByIdentity(mapper.identityId, part);
    let st: InstanceState;
    if (!obj) {
      st = mapper.newStateForLoad();
      obj = st.obj;
      st.loadedAs(part, session.id);
      identityMap.addByIdentity(mapper.identityId, part, obj);
    } else st = stateOf(obj)!;
    for (const p of props) {
      st.dict[p.key] = row[p.key] ?? null;
      st.committed[p.key] = row[p.key] ?? null;
    }
    return returnsEntity ? [obj, ...extraProps.map((p) => row[p.key] ?? null)] : extraProps.map((p) => row[p.key] ?? null);
  });
  const keys = [...(returnsEntity ? [mapper.className] : []), ...extraProps.map((p) => p.key)];
  return new Result({ keys, processors: keys.map(() => undefined) }, tuples, { rowsAffected: data.length, returnsRows: true });
}

/**
 * `session.execute(update(Engineer), [{ id, name, engineerInfo }, …])`: per table, one
 * executemany UPDATE per set of attributes given for it; tables without values are skipped.
 * @returns a Result whose rowsAffected is the number of parameter sets matched (by the first table updated for each).
 * @throws ArgumentError for a missing primary key or a key that is not a column attribute.
 */
export async function joinedBulkUpdate(conn: AsyncConnection, mapper: Mapper, params: readonly Readonly<Row>[]): Promise<Result<unknown[], Record<string, unknown>>> {
  const pkKeys = mapper.pkProps.map((p) => p.key);
  for (const row of params) {
    for (const k of pkKeys) if (row[k] === undefined) throw new ArgumentError(`ORM bulk UPDATE: parameter set is missing primary key '${k}' of ${mapper.className}`);
    for (const k of Object.keys(row)) if (!mapper.columnPropsByKey.has(k)) throw new ArgumentError(`ORM bulk UPDATE: '${k}' is not a column attribute of ${mapper.className}`);
  }
  const matched = new Map<number, number>();
  for (const part of tableParts(mapper)) {
    const groups = new Map<string, number[]>();
    params.forEach((row, i) => {
      const sig = part.props.filter((p) => !pkKeys.includes(p.key) && row[p.key] !== undefined).map((p) => p.key).join(",");
      if (!sig) return;
      const g = groups.get(sig);
      if (g) g.push(i);
      else groups.set(sig, [i]);
    });
    for (const [sig, idx] of groups) {
      const setKeys = sig.split(",");
      const values: Row = {};
      for (const k of setKeys) values[mapper.columnPropsByKey.get(k)!.column.key] = bindparam(`_set_${k}`);
      const stmt = new Update(part.table).where(...part.pk.map(([col]) => col.eq(bindparam(`_pk_${col.key}`)))).values(values as never);
      const ps = idx.map((i) => {
        const o: Row = {};
        for (const k of setKeys) o[`_set_${k}`] = params[i][k];
        for (const [col, p] of part.pk) o[`_pk_${col.key}`] = params[i][p.key];
        return o;
      });
      const n = (await conn.execute(stmt, ps)).rowsAffected;
      for (const i of idx) if (!matched.has(i)) matched.set(i, n >= 0 ? 1 : -1);
    }
  }
  const affected = [...matched.values()].some((v) => v < 0) ? -1 : matched.size;
  return new Result({ keys: [], processors: [] }, [], { rowsAffected: affected, returnsRows: false });
}


/** The Core statement and the key columns identifying its rows, for a criteria UPDATE/DELETE of a joined subclass. */
export interface JoinedCriteriaStatement {
  readonly stmt: Update | Delete;
  /** The target table's primary-key columns (what "fetch" synchronization returns). */
  readonly pkCols: readonly ColumnImpl[];
}

/**
 * Rewrite `update(Engineer)…` / `delete(Engineer)…` for joined-table inheritance: pick the target
 * table, rewrite primary-key columns to the target's own, and join each other hierarchy table
 * the statement (or the restriction to the subclass) needs by the inheritance condition.
 * @throws InvalidRequestError when an UPDATE sets columns of more than one table (one statement
 *   updates one table: use bulk UPDATE by primary key), or a DELETE needs another table on
 *   SQLite (no DELETE … USING there).
 */
export function joinedCriteriaStatement(mapper: Mapper, stmt: Update | Delete, dialectName: string): JoinedCriteriaStatement {
  const tables = mapper.tables;
  const own = mapper.table as Table;
  let target: Table = own;
  if (stmt instanceof Update && stmt.setValues) {
    const setTables = new Set<Table>();
    for (const col of stmt.setValues.keys()) setTables.add(col.table as Table);
    if (setTables.size > 1) {
      throw new InvalidRequestError(
        `UPDATE of ${mapper.className} (joined-table inheritance) sets columns of ${[...setTables].map((t) => t.name).join(" and ")}; ` +
          `one UPDATE statement updates one table: use one update() per table, or ORM bulk UPDATE by primary key (session.execute(update(${mapper.className}), [{ …pk, …values }]))`,
      );
    }
    const [only] = setTables;
    if (only && tables.includes(only)) target = only;
  }
  const parts = tableParts(mapper);
  const targetPart = parts.find((p) => p.table === target)!;
  // Key columns of other tables → the target table's own key column (`manager.id = ?`, not `employee.id = ?`).
  const toTarget = new Map<unknown, ColumnImpl>();
  for (const part of parts) {
    if (part.table === target) continue;
    part.pk.forEach(([col, p], i) => {
      const mine = targetPart.pk.find(([, q]) => q === p)?.[0] ?? targetPart.pk[i]?.[0];
      if (mine) toTarget.set(col, mine);
    });
  }
  for (const [col, p] of targetPart.pk) if (p.column !== col) toTarget.set(p.column, col);
  const adapt = <E extends ClauseElement>(e: E): E => adaptExpression(e, (c) => toTarget.get(c.baseColumn) ?? undefined);
  const where = stmt.whereCriteria.map(adapt);
  const mentioned = new Set<unknown>();
  for (const w of where) tablesOf(w, mentioned);
  let setValues: Map<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined;
  if (stmt instanceof Update && stmt.setValues) {
    setValues = new Map();
    for (const [col, v] of stmt.setValues) {
      const av = v instanceof BindParameter ? v : adapt(v);
      tablesOf(av, mentioned);
      setValues.set(col, av);
    }
  }
  // The subclass's own table restricts an UPDATE of inherited columns to the subclass's rows.
  if (target !== own) mentioned.add(own);
  const joins: ColumnElement<unknown, string>[] = [];
  for (const part of parts) {
    if (part.table === target || !mentioned.has(part.table)) continue;
    // `sub.pk = base.pk`, written from whichever side is not the base.
    const [sub, base] = part.table === mapper.base.table ? [targetPart, part] : [part, targetPart];
    sub.pk.forEach(([col, p], i) => {
      const other = base.table === mapper.base.table ? p.column : base.pk[i][0];
      joins.push(col.eq(other) as ColumnElement<unknown, string>);
    });
  }
  if (stmt instanceof Delete && joins.length && dialectName === "sqlite") {
    throw new InvalidRequestError(
      `DELETE of ${mapper.className} (joined-table inheritance) with criteria on ${[...mentioned].filter((t) => t !== target).map((t) => (t as Table).name).join(", ")} ` +
        `needs DELETE … USING, which SQLite does not support; select the keys first (where(${mapper.className}.id.in(select(…)))) or delete by primary key`,
    );
  }
  const core = Object.create(Object.getPrototypeOf(stmt) as object) as Update | Delete;
  Object.assign(core, stmt, { table: target, whereCriteria: [...where, ...joins], entity: undefined, ...(setValues ? { setValues } : {}) });
  return { stmt: core, pkCols: targetPart.pk.map(([col]) => col) };
}
