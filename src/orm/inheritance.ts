/**
 * Persistence for joined-table inheritance (SQLAlchemy's `persistence.save_obj` / `delete_obj`
 * over a mapper's tables): an object of a joined subclass is one row in each table of its
 * hierarchy. INSERT goes base table first (the subclass rows copy the generated primary key),
 * UPDATE touches only the tables whose columns changed, DELETE goes subclass table first.
 * Statements go through the unit of work's `run()`, so on batch-only drivers (D1, Neon HTTP)
 * they join the commit batch like every other write.
 * Single-table inheritance needs none of this: its classes share one table.
 * @module
 */
import { InvalidRequestError, StaleDataError } from "../errors.js";
import { bindparam, tuple, type ColumnElement } from "../sql/elements.js";
import { delete_, insert, update } from "../sql/dml.js";
import type { ColumnImpl, Table } from "../sql/schema.js";
import type { ColumnProperty, Mapper } from "./mapper.js";
import type { InstanceState } from "./state.js";
import type { Result } from "../engine/result/index.js";
import { takeValueRows } from "../engine/orm-rows.js";
import { applyUpdateResult, fireEach, generatedByServerOnInsert, insertRowsMissing, matchBySentinel, noteServerValues, prefetchOnupdates, run, updateDefaults, type FlushContext } from "./unitofwork.js";

/** Whether a mapper's rows span several tables (joined-table inheritance). */
export function isMultiTableMapper(mapper: Mapper): boolean {
  return mapper.inherits !== undefined && mapper.tables.length > 1;
}

/** One table of a joined hierarchy: the properties stored in it and its primary key columns. @internal */
export interface TablePart {
  readonly table: Table;
  /** Mapped properties whose column lives in this table. */
  readonly props: readonly ColumnProperty[];
  /** This table's primary key columns and the (base) properties whose values they hold. */
  readonly pk: readonly (readonly [ColumnImpl, ColumnProperty])[];
}

/** The tables of a joined subclass, base first, with the properties each stores. @internal */
export function tableParts(mapper: Mapper): TablePart[] {
  const chain: Mapper[] = [];
  for (let m: Mapper | undefined = mapper; m; m = m.inherits) chain.unshift(m);
  return mapper.tables.map((table) => {
    const owner = chain.find((m) => m.table === table && m.inheritPkPairs.length > 0);
    const pk = owner ? owner.inheritPkPairs : mapper.pkProps.map((p) => [p.column, p] as const);
    return { table, props: mapper.columnProps.filter((p) => p.column.table === table), pk };
  });
}

/**
 * INSERT joined-inheritance objects: one multi-row INSERT … RETURNING per table, base first; a
 * subclass row copies the key its base row got. Returned rows are matched to objects by primary
 * key wherever the key was sent (every subclass table, and the base table when the client or a
 * batch-only driver's key allocation gave it), by position otherwise. On a batch-only driver the
 * statements are queued for the commit batch: the unit of work has allocated every key first.
 */
export async function insertJoinedBatch(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  await fireEach(ctx, "beforeInsert", mapper, states);
  const vp = mapper.versionProp;
  if (vp) for (const st of states) if (st.dict[vp.key] == null) st.dict[vp.key] = 1;
  for (const part of tableParts(mapper)) {
    const isBase = part.table === mapper.base.table;
    const provided = (st: InstanceState): ColumnProperty[] =>
      part.props.filter((p) => p.key in st.dict && st.dict[p.key] !== undefined && !(p.column.primaryKey && st.dict[p.key] === null && p.column.autoincrement));
    const groups = new Map<string, InstanceState[]>();
    for (const st of states) {
      const sig = provided(st).map((p) => p.key).join(",");
      let g = groups.get(sig);
      if (!g) groups.set(sig, (g = []));
      g.push(st);
    }
    for (const group of groups.values()) {
      const props = provided(group[0]);
      const given = new Set(props);
      let fetch = part.props.filter((p) => !given.has(p));
      if (mapper.eagerDefaults === false) {
        // Database-generated values are expired rather than fetched (eagerDefaults: false).
        const expire = fetch.filter(generatedByServerOnInsert);
        if (expire.length) {
          fetch = fetch.filter((p) => !expire.includes(p));
          const keys = expire.map((p) => p.key);
          for (const st of group) noteServerValues(st, keys);
        }
      }
      const rows = group.map((st) => {
        const r: Record<string, unknown> = {};
        if (!isBase) for (const [col, p] of part.pk) r[col.key] = st.dict[p.key];
        for (const p of props) r[p.column.key] = st.dict[p.key];
        return r;
      });
      const stmt = insert(part.table);
      if (fetch.length === 0) {
        await run(ctx, stmt, rows);
        continue;
      }
      // The key columns, when sent, come back after the fetched ones to match rows to objects.
      const keyProps = part.pk.map(([, p]) => p);
      const keySent = keyProps.every((p) => !fetch.includes(p));
      const returning = [...fetch.map((p) => p.column), ...(keySent ? part.pk.map(([col]) => col) : [])];
      const apply = (targets: readonly InstanceState[]) => (res: Result<unknown[], Record<string, unknown>>) => {
        const out = takeValueRows(res);
        if (out.length !== targets.length) {
          throw insertRowsMissing(mapper, targets.length > 1);
        }
        const byKey = keySent && targets.length > 1 ? matchBySentinel(targets, out, keyProps, fetch.length) : undefined;
        targets.forEach((st, i) => {
          const row = byKey ? byKey[i] : out[i];
          fetch.forEach((p, j) => {
            st.dict[p.key] = row[j];
            // Applied after the commit batch ran: the object is already persistent.
            if (st.status === "persistent") st.committed[p.key] = row[j];
          });
        });
      };
      if (rows.length && Object.keys(rows[0]).length) await run(ctx, stmt.returning(...returning), rows, apply(group));
      // No values at all: one DEFAULT VALUES statement per row.
      else for (const st of group) await run(ctx, stmt.returning(...returning), undefined, apply([st]));
    }
  }
  await fireEach(ctx, "afterInsert", mapper, states);
}

/**
 * UPDATE joined-inheritance objects whose changed attribute keys are `keys`: one executemany
 * per table holding a changed column; the version counter (if any) is checked on the base table.
 * @throws StaleDataError when a row is gone or its version moved on.
 */
export async function updateJoinedGroup(ctx: FlushContext, mapper: Mapper, keys: readonly string[], group: readonly InstanceState[], post?: { readonly bump: boolean }): Promise<void> {
  // A post-update fires no update events and starts from the version the row has now (its
  // ordinary UPDATE of this flush may have bumped it); a row inserted by this flush keeps its
  // version (SQLAlchemy's post_update()).
  if (!post) await fireEach(ctx, "beforeUpdate", mapper, group);
  const vp = mapper.versionProp;
  const oldVersion = (st: InstanceState): number | undefined => (vp === undefined ? undefined : ((post ? st.dict[vp.key] : st.committed[vp.key]) as number | undefined));
  const bump = post?.bump ?? true;
  const newVersions = group.map((st) => (bump ? (oldVersion(st) ?? 0) + 1 : oldVersion(st)));
  let versionWritten = false;
  for (const part of tableParts(mapper)) {
    const isBase = part.table === mapper.base.table;
    const setProps = part.props.filter((p) => keys.includes(p.key) && p !== vp);
    const versioned = isBase && vp !== undefined;
    // A post-update touches only the tables holding its columns (SQLAlchemy's per-table
    // `hasdata`); an ordinary UPDATE always bumps the version on the base table.
    if (setProps.length === 0 && (!versioned || post)) continue;
    if (versioned && bump) versionWritten = true;
    const setKeys = setProps.map((p) => p.key);
    const { prefetch, returned, expire } = updateDefaults(mapper, part.props, setKeys);
    const values: Record<string, unknown> = {};
    for (const p of setProps) values[p.column.key] = bindparam(`_set_${p.key}`);
    for (const p of prefetch) values[p.column.key] = bindparam(`_set_${p.key}`);
    if (versioned && bump) values[vp.column.key] = bindparam("_version_new");
    let where: ColumnElement<unknown, string>[] = part.pk.map(([col]) => col.eq(bindparam(`_pk_${col.key}`)));
    if (versioned) where = [...where, vp.column.eq(bindparam("_version_old"))];
    const stmt = update(part.table).where(...where).values(values as never);
    const params = group.map((st, i) => {
      const r: Record<string, unknown> = {};
      for (const [col, p] of part.pk) r[`_pk_${col.key}`] = st.committed[p.key] ?? st.dict[p.key];
      for (const p of setProps) r[`_set_${p.key}`] = st.dict[p.key];
      if (prefetch.length) prefetchOnupdates(mapper, st, setKeys, prefetch, r);
      if (expire.length) noteServerValues(st, expire);
      if (versioned) {
        r._version_old = oldVersion(st);
        if (bump) r._version_new = newVersions[i];
      }
      return r;
    });
    const returning = returned.map((p) => p.column);
    await run(ctx, returning.length ? stmt.returning(...returning) : stmt, params, (res) =>
      applyUpdateResult(ctx, res, part.table.name, group, returned),
    );
  }
  if (vp && versionWritten) group.forEach((st, i) => (st.dict[vp.key] = newVersions[i]));
  if (!post) await fireEach(ctx, "afterUpdate", mapper, group);
}

/**
 * DELETE joined-inheritance objects: subclass table rows first, then the base rows (batched by
 * primary key; per row with the version check when versioned).
 * @throws StaleDataError when fewer rows than objects were deleted.
 */
export async function deleteJoinedStates(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  await fireEach(ctx, "beforeDelete", mapper, states);
  const vp = mapper.versionProp;
  for (const part of tableParts(mapper).reverse()) {
    const isBase = part.table === mapper.base.table;
    const pkValue = (st: InstanceState) => part.pk.map(([, p]) => st.committed[p.key] ?? st.dict[p.key]);
    // Counted as each statement's result arrives (now, or when the commit batch ran).
    let deleted = 0;
    let statements = 0;
    let seen = 0;
    const count = (r: Result<unknown[], Record<string, unknown>>): void => {
      deleted = r.rowsAffected < 0 || deleted < 0 ? -1 : deleted + r.rowsAffected;
      if (++seen === statements && deleted >= 0 && deleted !== states.length) {
        throw new StaleDataError(`DELETE statement on table '${part.table.name}' expected to delete ${states.length} row(s); ${deleted} were matched.`);
      }
    };
    if (isBase && vp) {
      const stmt = delete_(part.table).where(...part.pk.map(([col]) => col.eq(bindparam(`_pk_${col.key}`))), vp.column.eq(bindparam("_version_old")));
      statements = states.length;
      for (const st of states) {
        const r: Record<string, unknown> = { _version_old: st.committed[vp.key] };
        part.pk.forEach(([col], i) => (r[`_pk_${col.key}`] = pkValue(st)[i]));
        await run(ctx, stmt, r, count);
      }
    } else {
      statements = Math.ceil(states.length / 500);
      for (let i = 0; i < states.length; i += 500) {
        const batch = states.slice(i, i + 500).map(pkValue);
        const cols = part.pk.map(([col]) => col);
        const cond = cols.length === 1 ? cols[0].in(batch.map((v) => v[0])) : tuple(...cols).in(batch);
        await run(ctx, delete_(part.table).where(cond), undefined, count);
      }
    }
  }
  await fireEach(ctx, "afterDelete", mapper, states);
}

/**
 * Row switch for a joined-table inheritance object (SQLAlchemy's `_organize_states_for_save`
 * followed by `_emit_update_statements` per table): a new object taking over the row of an object
 * deleted in the same flush UPDATEs, table by table (base first), the columns it was given in
 * that table, keyed by that table's primary key; a table with no given column is left alone.
 * The version counter, when there is one, is set and checked on the base table (`st.dict` holds
 * the new value, `versionOld` the old row's).
 * @throws StaleDataError when a row is gone or its version moved on.
 */
export async function rowSwitchJoined(
  ctx: FlushContext,
  mapper: Mapper,
  st: InstanceState,
  setProps: readonly ColumnProperty[],
  versionOld: unknown,
): Promise<void> {
  const vp = mapper.versionProp;
  const d = st.dict;
  for (const part of tableParts(mapper)) {
    const pkCols = new Set<unknown>(part.pk.map(([col]) => col));
    const props = part.props.filter((p) => setProps.includes(p) && !pkCols.has(p.column));
    const versioned = part.table === mapper.base.table && vp !== undefined;
    if (props.length === 0 && !versioned) continue;
    const values: Record<string, unknown> = {};
    const params: Record<string, unknown> = {};
    for (const p of props) {
      values[p.column.key] = bindparam(`_set_${p.key}`);
      params[`_set_${p.key}`] = d[p.key];
    }
    let where: ColumnElement<unknown, string>[] = part.pk.map(([col]) => col.eq(bindparam(`_pk_${col.key}`)));
    for (const [col, p] of part.pk) params[`_pk_${col.key}`] = d[p.key];
    if (versioned) {
      values[vp.column.key] = bindparam("_version_new");
      params._version_new = d[vp.key];
      where = [...where, vp.column.eq(bindparam("_version_old"))];
      params._version_old = versionOld;
    }
    await run(ctx, update(part.table).where(...where).values(values as never), [params], (res) => applyUpdateResult(ctx, res, part.table.name, [st], []));
  }
}
