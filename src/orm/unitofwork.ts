/**
 * The unit of work: turns pending, changed and deleted objects into batched INSERT, UPDATE and
 * DELETE statements in dependency order (SQLAlchemy's `unitofwork`, `persistence`,
 * `dependency`).
 *
 * - INSERTs run in waves: a wave holds every object whose dependencies are already inserted,
 *   grouped per table into one multi-row INSERT … RETURNING (keys, server defaults and client
 *   defaults come back in the same statement).
 * - UPDATEs set only changed columns; updates of the same shape run as one executemany.
 * - DELETEs run children first, batched by primary key.
 * - Many-to-many association rows are written after inserts and removed before deletes.
 * @module
 */
import { CircularDependencyError, InvalidRequestError, StaleDataError } from "../errors.js";
import { and, bindparam, ColumnElement, tuple } from "../sql/elements.js";
import { delete_, insert, update } from "../sql/dml.js";
import { select } from "../sql/selectable.js";
import type { ColumnImpl } from "../sql/schema.js";
import type { AsyncConnection } from "../engine/connection.js";
import type { ColumnProperty, Mapper, RelationshipProperty } from "./mapper.js";
import { stateOf, type InstanceState } from "./state.js";

/** What the unit of work needs from the session. */
export interface FlushContext {
  readonly connection: AsyncConnection;
  readonly identityMap: Map<string, object>;
  readonly sessionId: number;
  readonly newStates: Set<InstanceState>;
  readonly deletedStates: Set<InstanceState>;
  /** Mapper event hooks (mapper listeners, then session listeners). */
  fireMapperEvent(event: "beforeInsert" | "afterInsert" | "beforeUpdate" | "afterUpdate" | "beforeDelete" | "afterDelete", mapper: Mapper, obj: object): Promise<void>;
}

/** A state snapshot for restoring in-memory objects when a flush fails. */
interface Snapshot {
  readonly dict: Record<string, unknown>;
  readonly committed: Record<string, unknown>;
  readonly committedCollections: Map<string, readonly object[]>;
  readonly status: InstanceState["status"];
  readonly key: string | undefined;
  readonly sessionId: number | undefined;
}
function snapshot(st: InstanceState): Snapshot {
  const copyArrays = (d: Record<string, unknown>) => {
    const out: Record<string, unknown> = Object.assign(Object.create(null), d);
    for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = [...v];
    return out;
  };
  return {
    dict: copyArrays(st.dict),
    committed: copyArrays(st.committed),
    committedCollections: new Map(st.committedCollections),
    status: st.status,
    key: st.key,
    sessionId: st.sessionId,
  };
}
function restore(st: InstanceState, s: Snapshot): void {
  // Keep array identity for collections the user holds, restoring their contents.
  for (const [k, v] of Object.entries(s.dict)) {
    const cur = st.dict[k];
    if (Array.isArray(cur) && Array.isArray(v)) {
      cur.length = 0;
      cur.push(...v);
      s.dict[k] = cur;
    }
  }
  st.dict = s.dict;
  st.committed = s.committed;
  st.committedCollections = s.committedCollections;
  st.status = s.status;
  st.key = s.key;
  st.sessionId = s.sessionId;
}

const key = (m: Mapper, col: ColumnImpl): string => m.propByColumn.get(col)!.key;

/** Relationship values of a state as a list. */
function related(st: InstanceState, rel: RelationshipProperty): object[] {
  if (!(rel.key in st.dict)) return [];
  const v = st.dict[rel.key];
  return rel.uselist ? ((v as object[] | null) ?? []) : v ? [v as object] : [];
}
function committedRelated(st: InstanceState, rel: RelationshipProperty): object[] {
  if (rel.uselist) return [...(st.committedCollections.get(rel.key) ?? [])];
  const v = st.committed[rel.key];
  return v ? [v as object] : [];
}

/** Run a flush. On failure, in-memory state is restored and the error is rethrown. */
export async function flush(ctx: FlushContext): Promise<void> {
  const touched = new Map<InstanceState, Snapshot>();
  const touch = (st: InstanceState) => {
    if (!touched.has(st)) touched.set(st, snapshot(st));
  };
  const pending = new Set(ctx.newStates);
  const deleted = new Set(ctx.deletedStates);
  const persistent = (): InstanceState[] => [...ctx.identityMap.values()].map((o) => stateOf(o)!).filter((s) => s.status === "persistent" && !deleted.has(s));

  // 1. save-update cascade: transient objects reachable from pending/persistent ones become pending.
  const queue = [...pending, ...persistent()];
  const seen = new Set(queue);
  while (queue.length) {
    const st = queue.pop()!;
    for (const rel of st.mapper.relationships.values()) {
      if (!rel.cascade.saveUpdate || rel.viewonly) continue;
      for (const o of related(st, rel)) {
        const os = stateOf(o);
        if (!os) continue;
        if (os.status === "transient") {
          os.status = "pending";
          os.sessionId = ctx.sessionId;
          pending.add(os);
          ctx.newStates.add(os);
        }
        if (!seen.has(os) && (os.status === "pending" || os.status === "persistent")) {
          seen.add(os);
          queue.push(os);
        }
      }
    }
  }

  // 2. delete cascade and orphans.
  const delQueue = [...deleted];
  const orphanCandidates: InstanceState[] = [];
  for (const st of [...pending, ...persistent()]) {
    for (const rel of st.mapper.relationships.values()) {
      if (!rel.cascade.deleteOrphan || !rel.uselist || !(rel.key in st.dict)) continue;
      const cur = new Set(related(st, rel));
      for (const o of committedRelated(st, rel)) if (!cur.has(o)) orphanCandidates.push(stateOf(o)!);
    }
  }
  for (const os of orphanCandidates) if (os.status === "persistent" && !deleted.has(os)) {
    deleted.add(os);
    delQueue.push(os);
  }
  while (delQueue.length) {
    const st = delQueue.pop()!;
    for (const rel of st.mapper.relationships.values()) {
      if (!rel.cascade.delete || rel.viewonly) continue;
      let children: object[];
      if (rel.key in st.dict) children = [...related(st, rel), ...committedRelated(st, rel)];
      else if (rel.options.passiveDeletes) continue;
      else children = await loadChildren(ctx, rel, [st]);
      for (const c of new Set(children)) {
        const cs = stateOf(c)!;
        if (cs.status === "persistent" && !deleted.has(cs)) {
          deleted.add(cs);
          delQueue.push(cs);
        } else if (cs.status === "pending") pending.delete(cs);
      }
    }
  }

  // 3. Dependencies: edges "a must be inserted before b", and FK syncs to perform.
  const deps = new Map<InstanceState, Set<InstanceState>>();
  const postUpdates: { child: InstanceState; rel: RelationshipProperty; parent: InstanceState | null }[] = [];
  const addDep = (before: InstanceState, after: InstanceState) => {
    if (before === after) return;
    let s = deps.get(after);
    if (!s) deps.set(after, (s = new Set()));
    s.add(before);
  };
  /** FK sync requests: child's `pairs` columns get values from `parent` (or null). */
  const syncs: { child: InstanceState; parent: InstanceState | null; pairs: readonly (readonly [ColumnImpl, ColumnImpl])[]; parentMapper: Mapper; childMapper: Mapper }[] = [];
  const m2mAdds: { rel: RelationshipProperty; parent: InstanceState; child: InstanceState }[] = [];
  const m2mRemoves: { rel: RelationshipProperty; parent: InstanceState; child: InstanceState }[] = [];
  const live = [...pending, ...persistent()];
  for (const st of live) {
    for (const rel of st.mapper.relationships.values()) {
      if (rel.viewonly || !(rel.key in st.dict)) continue;
      const cur = related(st, rel);
      const before = committedRelated(st, rel);
      const added = cur.filter((o) => !before.includes(o));
      const removed = before.filter((o) => !cur.includes(o));
      if (rel.direction === "MANYTOONE") {
        const target = cur[0] ? stateOf(cur[0])! : null;
        const changed = added.length > 0 || removed.length > 0 || st.status === "pending";
        if (!changed) continue;
        // Parent-side FK columns = pair[0] (on st's table) referencing pair[1] on the target.
        if (target && (target.status === "pending" || pending.has(target))) {
          if (rel.options.postUpdate) postUpdates.push({ child: st, rel, parent: target });
          else addDep(target, st);
        }
        if (!rel.options.postUpdate || !target) syncs.push({ child: st, parent: target, pairs: rel.syncPairs.map(([a, b]) => [a, b] as const), parentMapper: rel.mapper, childMapper: st.mapper });
      } else if (rel.direction === "ONETOMANY") {
        for (const o of added) {
          const cs = stateOf(o)!;
          if (deleted.has(cs)) continue;
          if (rel.options.postUpdate) postUpdates.push({ child: cs, rel, parent: st });
          else {
            if (pending.has(st)) addDep(st, cs);
            syncs.push({ child: cs, parent: st, pairs: rel.syncPairs.map(([a, b]) => [b, a] as const), parentMapper: st.mapper, childMapper: cs.mapper });
          }
        }
        for (const o of removed) {
          const cs = stateOf(o)!;
          if (deleted.has(cs) || cs.status !== "persistent") continue;
          syncs.push({ child: cs, parent: null, pairs: rel.syncPairs.map(([a, b]) => [b, a] as const), parentMapper: st.mapper, childMapper: cs.mapper });
        }
      } else {
        for (const o of added) m2mAdds.push({ rel, parent: st, child: stateOf(o)! });
        for (const o of removed) if (!deleted.has(stateOf(o)!)) m2mRemoves.push({ rel, parent: st, child: stateOf(o)! });
      }
    }
  }
  // Deleted parents of many-to-many rows remove their association rows.
  for (const st of deleted) {
    for (const rel of st.mapper.relationships.values()) {
      if (rel.direction !== "MANYTOMANY" || rel.viewonly) continue;
      m2mRemoves.push({ rel, parent: st, child: st });
    }
  }

  // Apply FK syncs for parents that already have keys now; the rest after their INSERT.
  const applySync = (s: (typeof syncs)[number]): void => {
    touch(s.child);
    for (const [childCol, parentCol] of s.pairs) {
      const ck = key(s.childMapper, childCol);
      const v = s.parent ? s.parent.dict[key(s.parentMapper, parentCol)] : null;
      s.child.dict[ck] = v;
    }
  };

  for (const st of [...pending, ...deleted, ...live]) touch(st);
  try {
    await runInserts(ctx, [...pending], deps, syncs, applySync);
    for (const s of syncs) if (!s.parent || s.parent.status !== "pending") applySync(s);
    await runPostUpdatesAndUpdates(ctx, persistent().filter((s) => !pending.has(s)), postUpdates, touch);
    await runManyToMany(ctx, m2mAdds, m2mRemoves, deleted);
    await nullOutChildren(ctx, [...deleted]);
    await runDeletes(ctx, [...deleted]);
  } catch (e) {
    for (const [st, snap] of touched) restore(st, snap);
    throw e;
  }
  // Success: commit in-memory state.
  for (const st of pending) {
    st.status = "persistent";
    st.sessionId = ctx.sessionId;
    st.key = st.mapper.identityKey(st.mapper.pkValues(st));
    ctx.identityMap.set(st.key, st.obj);
    st.commitAll();
  }
  for (const st of live) if (!pending.has(st)) st.commitAll();
  for (const st of deleted) {
    st.status = "deleted";
    st.markedDeleted = false;
  }
  ctx.newStates.clear();
  ctx.deletedStates.clear();
  for (const st of deleted) ctx.deletedStates.add(st);
}

async function loadChildren(ctx: FlushContext, rel: RelationshipProperty, parents: InstanceState[]): Promise<object[]> {
  if (rel.direction === "MANYTOMANY") return [];
  const target = rel.mapper;
  const cols = rel.syncPairs.map(([local, remote]) => (rel.direction === "ONETOMANY" ? [local, remote] : [local, remote]) as [ColumnImpl, ColumnImpl]);
  const where = rel.direction === "ONETOMANY"
    ? cols.map(([local, remote]) => remote.in(parents.map((p) => p.dict[key(rel.parent, local)])))
    : cols.map(([local, remote]) => remote.in(parents.map((p) => p.dict[key(rel.parent, local)])));
  const props = target.columnProps.filter((p) => !p.deferred);
  const res = await ctx.connection.execute(select(...props.map((p) => p.column)).where(...where));
  const out: object[] = [];
  for (const row of res.all()) {
    const raw = row._tuple() as unknown[];
    const pk = target.pkProps.map((p) => raw[props.indexOf(p)]);
    const k = target.identityKey(pk);
    let obj = ctx.identityMap.get(k);
    if (!obj) {
      const made = target.newInstanceForLoad();
      props.forEach((p, i) => {
        made.state.dict[p.key] = raw[i];
        made.state.committed[p.key] = raw[i];
      });
      made.state.status = "persistent";
      made.state.key = k;
      made.state.sessionId = ctx.sessionId;
      ctx.identityMap.set(k, made.obj);
      obj = made.obj;
    }
    out.push(obj);
  }
  return out;
}

/** Insert pending states in dependency waves, one multi-row INSERT per table per wave. */
async function runInserts(
  ctx: FlushContext,
  pending: InstanceState[],
  deps: Map<InstanceState, Set<InstanceState>>,
  syncs: { child: InstanceState; parent: InstanceState | null }[],
  applySync: (s: never) => void,
): Promise<void> {
  const remaining = new Set(pending);
  const done = new Set<InstanceState>();
  const tableOrder = (m: Mapper) => [...m.table.metadata.sortedTables].indexOf(m.table);
  while (remaining.size) {
    const wave = [...remaining].filter((st) => [...(deps.get(st) ?? [])].every((d) => !remaining.has(d) || done.has(d)));
    if (wave.length === 0) {
      const names = [...remaining].slice(0, 4).map((s) => s.mapper.className).join(", ");
      throw new CircularDependencyError(`Circular dependency between pending rows (${names}); set postUpdate: true on one relationship of the cycle`);
    }
    // FK values from parents inserted in earlier waves.
    for (const s of syncs) if (wave.includes(s.child) && s.parent && done.has(s.parent)) applySync(s as never);
    for (const s of syncs) if (wave.includes(s.child) && !s.parent) applySync(s as never);
    const byMapper = new Map<Mapper, InstanceState[]>();
    for (const st of wave) {
      let l = byMapper.get(st.mapper);
      if (!l) byMapper.set(st.mapper, (l = []));
      l.push(st);
    }
    for (const [mapper, states] of [...byMapper].sort((a, b) => tableOrder(a[0]) - tableOrder(b[0]))) {
      await insertBatch(ctx, mapper, states);
      for (const st of states) {
        done.add(st);
        remaining.delete(st);
      }
    }
  }
}

async function insertBatch(ctx: FlushContext, mapper: Mapper, states: InstanceState[]): Promise<void> {
  for (const st of states) await ctx.fireMapperEvent("beforeInsert", mapper, st.obj);
  if (mapper.versionProp) for (const st of states) if (st.dict[mapper.versionProp.key] == null) st.dict[mapper.versionProp.key] = 1;
  // Group by the set of provided columns so each group is one executemany (insertmanyvalues).
  const groups = new Map<string, InstanceState[]>();
  const provided = (st: InstanceState): ColumnProperty[] =>
    mapper.columnProps.filter((p) => p.key in st.dict && st.dict[p.key] !== undefined && !(p.column.primaryKey && st.dict[p.key] === null && p.column.autoincrement));
  for (const st of states) {
    const sig = provided(st).map((p) => p.key).join(",");
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = []));
    g.push(st);
  }
  for (const group of groups.values()) {
    const props = provided(group[0]);
    const given = new Set(props);
    const fetch = mapper.columnProps.filter((p) => !given.has(p));
    const table = mapper.table;
    const rows = group.map((st) => {
      const r: Record<string, unknown> = {};
      for (const p of props) r[p.column.key] = st.dict[p.key];
      return r;
    });
    let stmt = insert(table);
    const returning = fetch.map((p) => p.column);
    if (returning.length) {
      const res = await ctx.connection.execute(stmt.returning(...returning), props.length ? rows : undefined);
      const out = res.all();
      if (!props.length && group.length > 1) {
        // No columns at all: one DEFAULT VALUES statement per row.
        out.length = 0;
        for (let i = 0; i < group.length; i++) out.push(...(await ctx.connection.execute(stmt.returning(...returning))).all());
      }
      group.forEach((st, i) => {
        const row = out[i]._tuple() as unknown[];
        fetch.forEach((p, j) => {
          st.dict[p.key] = row[j];
        });
      });
    } else {
      stmt = insert(table);
      await ctx.connection.execute(stmt, rows);
    }
  }
  for (const st of states) await ctx.fireMapperEvent("afterInsert", mapper, st.obj);
}

async function runPostUpdatesAndUpdates(
  ctx: FlushContext,
  states: InstanceState[],
  postUpdates: { child: InstanceState; rel: RelationshipProperty; parent: InstanceState | null }[],
  touch: (st: InstanceState) => void,
): Promise<void> {
  // post_update: set FKs now that both rows exist.
  const extraUpdates = new Set<InstanceState>();
  for (const pu of postUpdates) {
    touch(pu.child);
    const pairs = pu.rel.direction === "MANYTOONE" ? pu.rel.syncPairs : pu.rel.syncPairs.map(([a, b]) => [b, a] as const);
    const parentMapper = pu.rel.direction === "MANYTOONE" ? pu.rel.mapper : pu.rel.parent;
    for (const [childCol, parentCol] of pairs) {
      pu.child.dict[key(pu.child.mapper, childCol)] = pu.parent ? pu.parent.dict[key(parentMapper, parentCol)] : null;
    }
    extraUpdates.add(pu.child);
  }
  const all = [...new Set([...states, ...extraUpdates])];
  const byShape = new Map<string, { mapper: Mapper; keys: string[]; states: InstanceState[] }>();
  for (const st of all) {
    const changed = st.status === "pending" ? [...extraUpdates].includes(st) ? postUpdateKeys(st, postUpdates) : [] : st.changedColumnKeys();
    if (changed.length === 0) continue;
    const sig = `${st.mapper.id}|${changed.join(",")}`;
    let g = byShape.get(sig);
    if (!g) byShape.set(sig, (g = { mapper: st.mapper, keys: changed, states: [] }));
    g.states.push(st);
  }
  for (const { mapper, keys, states: group } of byShape.values()) {
    for (const st of group) await ctx.fireMapperEvent("beforeUpdate", mapper, st.obj);
    const table = mapper.table;
    const pkProps = mapper.pkProps;
    const vp = mapper.versionProp;
    let where = pkProps.map((p) => p.column.eq(bindparam(`_pk_${p.column.key}`)));
    if (vp) where = [...where, vp.column.eq(bindparam("_version_old"))];
    const setKeys = keys.filter((k) => !vp || k !== vp.key);
    const onupdateCols = mapper.columnProps.filter((p) => p.column.onupdate !== undefined && !setKeys.includes(p.key));
    let stmt = update(table).where(...where);
    const setObj: Record<string, unknown> = {};
    for (const k of setKeys) setObj[mapper.columnPropsByKey.get(k)!.column.key] = bindparam(`_set_${k}`);
    if (vp) setObj[vp.column.key] = bindparam("_version_new");
    stmt = stmt.values(setObj as never);
    const params = group.map((st) => {
      const r: Record<string, unknown> = {};
      for (const p of pkProps) r[`_pk_${p.column.key}`] = st.committed[p.key] ?? st.dict[p.key];
      for (const k of setKeys) r[`_set_${k}`] = st.dict[k];
      if (vp) {
        const old = st.committed[vp.key] as number;
        r._version_old = old;
        r._version_new = (old ?? 0) + 1;
      }
      return r;
    });
    const returning = onupdateCols.map((p) => p.column);
    const res = returning.length
      ? await ctx.connection.execute(stmt.returning(...returning), params)
      : await ctx.connection.execute(stmt, params);
    if (res.rowsAffected >= 0 && res.rowsAffected !== group.length && !(returning.length && res.rowsAffected === -1)) {
      const matched = returning.length ? res.all().length : res.rowsAffected;
      if (matched !== group.length) {
        throw new StaleDataError(`UPDATE statement on table '${table.name}' expected to update ${group.length} row(s); ${matched} were matched.`);
      }
    }
    if (returning.length) {
      const rows = res.all();
      if (rows.length !== group.length) throw new StaleDataError(`UPDATE statement on table '${table.name}' expected to update ${group.length} row(s); ${rows.length} were matched.`);
      group.forEach((st, i) => onupdateCols.forEach((p, j) => (st.dict[p.key] = (rows[i]._tuple() as unknown[])[j])));
    }
    if (vp) group.forEach((st, i) => (st.dict[vp.key] = params[i]._version_new));
    for (const st of group) await ctx.fireMapperEvent("afterUpdate", mapper, st.obj);
  }
}
function postUpdateKeys(st: InstanceState, pus: { child: InstanceState; rel: RelationshipProperty }[]): string[] {
  const out = new Set<string>();
  for (const pu of pus) {
    if (pu.child !== st) continue;
    const pairs = pu.rel.direction === "MANYTOONE" ? pu.rel.syncPairs : pu.rel.syncPairs.map(([a, b]) => [b, a] as const);
    for (const [childCol] of pairs) out.add(key(st.mapper, childCol));
  }
  return [...out];
}

async function runManyToMany(
  ctx: FlushContext,
  adds: { rel: RelationshipProperty; parent: InstanceState; child: InstanceState }[],
  removes: { rel: RelationshipProperty; parent: InstanceState; child: InstanceState }[],
  deleted: Set<InstanceState>,
): Promise<void> {
  // A bidirectional many-to-many shows each pair from both sides; write it once.
  const seen = new Set<string>();
  const rowFor = (rel: RelationshipProperty, parent: InstanceState, child: InstanceState) => {
    const r: Record<string, unknown> = {};
    for (const [local, sec] of rel.secondarySyncPairs) r[sec.key] = parent.dict[key(rel.parent, local)];
    for (const [tcol, sec] of rel.targetSecondaryPairs) r[sec.key] = child.dict[key(rel.mapper, tcol)];
    return r;
  };
  const dedupe = (list: typeof adds) => {
    const out: { rel: RelationshipProperty; row: Record<string, unknown> }[] = [];
    for (const a of list) {
      const row = rowFor(a.rel, a.parent, a.child);
      const sig = `${a.rel.secondary!.keyId()}|${Object.keys(row).sort().map((k) => `${k}=${String(row[k])}`).join("&")}`;
      if (seen.has(sig)) continue;
      seen.add(sig);
      out.push({ rel: a.rel, row });
    }
    return out;
  };
  const rem = removes.filter((r) => r.parent !== r.child);
  for (const { rel, row } of dedupe(rem)) {
    const sec = rel.secondary!;
    await ctx.connection.execute(delete_(sec).where(...Object.entries(row).map(([k, v]) => sec.c[k].eq(v))));
  }
  // Association rows of deleted parents.
  for (const r of removes.filter((x) => x.parent === x.child)) {
    const sec = r.rel.secondary!;
    const conds = r.rel.secondarySyncPairs.map(([local, s]) => s.eq(r.parent.dict[key(r.rel.parent, local)]));
    await ctx.connection.execute(delete_(sec).where(...conds));
  }
  seen.clear();
  const addRows = dedupe(adds.filter((a) => !deleted.has(a.parent) && !deleted.has(a.child)));
  const bySec = new Map<object, Record<string, unknown>[]>();
  for (const { rel, row } of addRows) {
    let l = bySec.get(rel.secondary!);
    if (!l) bySec.set(rel.secondary!, (l = []));
    l.push(row);
  }
  for (const [sec, rows] of bySec) await ctx.connection.execute(insert(sec as never), rows);
}

/** One-to-many children of deleted parents without delete cascade get their FK set to NULL. */
async function nullOutChildren(ctx: FlushContext, deleted: InstanceState[]): Promise<void> {
  for (const st of deleted) {
    for (const rel of st.mapper.relationships.values()) {
      if (rel.direction !== "ONETOMANY" || rel.cascade.delete || rel.viewonly || rel.options.passiveDeletes) continue;
      const target = rel.mapper;
      const conds = rel.syncPairs.map(([local, remote]) => remote.eq(st.dict[key(rel.parent, local)]));
      const values: Record<string, unknown> = {};
      for (const [, remote] of rel.syncPairs) values[remote.key] = null;
      await ctx.connection.execute(update(target.table).where(...conds).values(values as never));
      for (const o of ctx.identityMap.values()) {
        const os = stateOf(o)!;
        if (os.mapper !== target) continue;
        if (rel.syncPairs.every(([local, remote]) => os.dict[key(target, remote)] === st.dict[key(rel.parent, local)])) {
          for (const [, remote] of rel.syncPairs) {
            os.dict[key(target, remote)] = null;
            os.committed[key(target, remote)] = null;
          }
        }
      }
    }
  }
}

/** Delete rows children-first (reverse table dependency; self-referential rows leaf-first). */
async function runDeletes(ctx: FlushContext, deleted: InstanceState[]): Promise<void> {
  if (!deleted.length) return;
  const byMapper = new Map<Mapper, InstanceState[]>();
  for (const st of deleted) {
    if (st.status !== "persistent") continue;
    let l = byMapper.get(st.mapper);
    if (!l) byMapper.set(st.mapper, (l = []));
    l.push(st);
  }
  const order = (m: Mapper) => [...m.table.metadata.sortedTables].indexOf(m.table);
  for (const [mapper, states] of [...byMapper].sort((a, b) => order(b[0]) - order(a[0]))) {
    for (const st of states) await ctx.fireMapperEvent("beforeDelete", mapper, st.obj);
    const pk = mapper.pkProps;
    const vp = mapper.versionProp;
    for (const level of selfRefLevels(mapper, states)) {
      if (vp) {
        const stmt = delete_(mapper.table).where(...pk.map((p) => p.column.eq(bindparam(`_pk_${p.column.key}`))), vp.column.eq(bindparam("_version_old")));
        let total = 0;
        for (const st of level) {
          const r: Record<string, unknown> = { _version_old: st.committed[vp.key] };
          for (const p of pk) r[`_pk_${p.column.key}`] = st.committed[p.key] ?? st.dict[p.key];
          total += (await ctx.connection.execute(stmt, r)).rowsAffected;
        }
        if (total !== level.length) throw new StaleDataError(`DELETE statement on table '${mapper.table.name}' expected to delete ${level.length} row(s); ${total} were matched.`);
        continue;
      }
      for (let i = 0; i < level.length; i += 500) {
        const batch = level.slice(i, i + 500);
        const values = batch.map((st) => pk.map((p) => st.committed[p.key] ?? st.dict[p.key]));
        const cond: ColumnElement<unknown, string> = pk.length === 1 ? pk[0].column.in(values.map((v) => v[0])) : tuple(...pk.map((p) => p.column)).in(values);
        const res = await ctx.connection.execute(delete_(mapper.table).where(cond));
        if (res.rowsAffected >= 0 && res.rowsAffected !== batch.length) {
          throw new StaleDataError(`DELETE statement on table '${mapper.table.name}' expected to delete ${batch.length} row(s); ${res.rowsAffected} were matched.`);
        }
      }
    }
    for (const st of states) {
      if (st.key) ctx.identityMap.delete(st.key);
      await ctx.fireMapperEvent("afterDelete", mapper, st.obj);
    }
  }
}

/** For self-referential tables, order deletes so children go before their parents. */
function selfRefLevels(mapper: Mapper, states: InstanceState[]): InstanceState[][] {
  const selfRels = [...mapper.relationships.values()].filter((r) => r.mapper === mapper && r.direction === "MANYTOONE");
  if (!selfRels.length) return [states];
  const set = new Set(states);
  const parentOf = (st: InstanceState): InstanceState | undefined => {
    for (const rel of selfRels) {
      const fk = rel.syncPairs.map(([local]) => st.committed[key(mapper, local)]);
      if (fk.some((v) => v == null)) continue;
      for (const o of set) if (rel.syncPairs.every(([, remote], i) => o.committed[key(mapper, remote)] === fk[i])) return o;
    }
    return undefined;
  };
  const depth = new Map<InstanceState, number>();
  const d = (st: InstanceState, guard = 0): number => {
    if (depth.has(st)) return depth.get(st)!;
    if (guard > states.length) throw new CircularDependencyError(`Circular parent references among ${mapper.className} rows being deleted`);
    const p = parentOf(st);
    const v = p ? d(p, guard + 1) + 1 : 0;
    depth.set(st, v);
    return v;
  };
  for (const st of states) d(st);
  const max = Math.max(...depth.values());
  const levels: InstanceState[][] = [];
  for (let i = max; i >= 0; i--) levels.push(states.filter((s) => depth.get(s) === i));
  return levels.filter((l) => l.length);
}

/** @internal */
export { and, InvalidRequestError };
