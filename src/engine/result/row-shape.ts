/**
 * Row shapes: per result layout, the row and mapping classes, the key index and the row builder.
 *
 * Built once per {@link ResultMetadata} object (cached in a WeakMap) and once per `columns()`
 * projection of it, so a statement executed many times builds its accessor prototypes once.
 * Accessors are installed with `Object.defineProperty`: no runtime code generation, which edge
 * runtimes refuse.
 * @module
 */
import { ArgumentError, InvalidRequestError, NoSuchColumnError } from "../../errors.js";
import type { ResultMetadata, ResultProcessor, UniqueStrategy } from "./metadata.js";
import { ROW_DATA, ROW_SHAPE, RowBase } from "./row.js";
import { RowMappingBase } from "./row-mapping.js";
import { processesNull } from "../../sql/null-aware.js";

/** A raw row as the driver returned it. */
export type RawRow = readonly unknown[];

/** Marks a key that occurs more than once in {@link RowShape.keyIndex}. */
export const AMBIGUOUS = -1;

/** @internal Compiled layout of a result (or of a `columns()` projection of one). */
export interface RowShape {
  /** View column keys, frozen. */
  readonly keys: readonly string[];
  /** Key → view index, or {@link AMBIGUOUS}. */
  readonly keyIndex: ReadonlyMap<string, number>;
  /** Target object (a table column, see {@link ResultMetadata.targets}) → view index. */
  readonly objectIndex: ReadonlyMap<object, number>;
  /** Raw index of each view column; `undefined` when the view is the raw row itself. */
  readonly rawIndex: readonly number[] | undefined;
  /** Processor of each view column. */
  readonly processors: readonly (ResultProcessor | undefined)[];
  readonly RowClass: new (data: readonly unknown[]) => RowBase;
  readonly MappingClass: new (data: readonly unknown[]) => RowMappingBase;
  /** Processed view values of a raw row; the raw array itself when nothing changes. */
  readonly build: (raw: RawRow) => readonly unknown[];
  /** Builds a row from a raw row. */
  readonly makeRow: (raw: RawRow) => RowBase;
  /** Builds a mapping from a raw row. */
  readonly makeMapping: (raw: RawRow) => RowMappingBase;
  /** The metadata this shape (or the shape it projects) was built from. */
  readonly meta: ResultMetadata;
  /** `columns()` projections (kept on the base shape only), by their raw index list. */
  readonly projections: Map<string, RowShape>;
  /**
   * One empty row and mapping, kept so the hidden classes of this shape's rows outlive the rows:
   * otherwise a full GC while no row is alive discards the optimized code that reads them (see
   * the note in src/sql/cache-key.ts).
   */
  readonly anchors: readonly [RowBase, RowMappingBase];
}

const shapes = new WeakMap<ResultMetadata, RowShape>();

/** @internal The shape of a metadata object, built on first use. */
export function shapeFor(meta: ResultMetadata): RowShape {
  let shape = shapes.get(meta);
  if (shape === undefined) {
    if (meta.processors.length > meta.keys.length) {
      throw new ArgumentError(
        `ResultMetadata has ${meta.processors.length} processors for ${meta.keys.length} keys`,
      );
    }
    const processors = meta.keys.map((_k, i) => meta.processors[i]);
    shape = buildShape(meta, meta.keys.slice(), undefined, processors);
    shapes.set(meta, shape);
  }
  return shape;
}

/**
 * @internal Resolve a column reference (view index, key, or a target object such as a table
 * column) of `shape` to a view index.
 * Negative positions count from the end.
 * @throws NoSuchColumnError (an ArgumentError) for an unknown key or object.
 * @throws ArgumentError for a position out of range.
 * @throws InvalidRequestError for a key that occurs more than once.
 */
export function resolveColumn(shape: RowShape, ref: number | string | object, method: string): number {
  if (typeof ref === "object" || typeof ref === "function") {
    // An object standing for a column (an ORM attribute) is looked up by that column.
    const i = ref === null ? undefined : (shape.objectIndex.get(ref) ?? shape.objectIndex.get(standsFor(ref)) ?? matchedIndex(shape, ref));
    if (i === undefined) throw new NoSuchColumnError(`${method}: Could not locate column in row for column ${describeTarget(ref)}`);
    return i;
  }
  if (typeof ref === "number") {
    const n = shape.keys.length;
    // Negative positions count from the end, as Python sequence indexes do (`columns(1, -2)`).
    if (!Number.isInteger(ref) || ref < -n || ref >= n) {
      throw new ArgumentError(`${method}: column index ${ref} is out of range for a result with ${n} columns`);
    }
    return ref < 0 ? ref + n : ref;
  }
  const i = shape.keyIndex.get(ref);
  if (i === undefined) {
    throw new NoSuchColumnError(`${method}: Could not locate column in row for column '${ref}'`);
  }
  if (i === AMBIGUOUS) throw ambiguous(ref);
  return i;
}

/** @internal The shape of a projection of `shape` onto some of its view columns. */
export function projectShape(shape: RowShape, viewIndexes: readonly number[]): RowShape {
  const rawIndex = viewIndexes.map((v) => (shape.rawIndex ? shape.rawIndex[v] : v));
  const cacheKey = rawIndex.join(",");
  // Cached on the base shape, so equal projections reached by different paths share a class.
  const base = shapeFor(shape.meta);
  let projected = base.projections.get(cacheKey);
  if (projected === undefined) {
    const keys = rawIndex.map((r) => base.keys[r]);
    const processors = rawIndex.map((r) => base.processors[r]);
    projected = buildShape(shape.meta, keys, rawIndex, processors);
    base.projections.set(cacheKey, projected);
  }
  return projected;
}

/** @internal Extracts one processed value (a view column) from a raw row. */
export function scalarGetter(shape: RowShape, viewIndex: number): (raw: RawRow) => unknown {
  const r = shape.rawIndex ? shape.rawIndex[viewIndex] : viewIndex;
  const proc = shape.processors[viewIndex];
  if (proc === undefined) return (raw) => raw[r];
  if (processesNull(proc)) return (raw) => proc(raw[r] ?? null);
  return (raw) => {
    const v = raw[r];
    return v == null ? v : proc(v);
  };
}

/** The view index of the column {@link ResultMetadata.matchTarget} finds for `ref`, if in view. */
function matchedIndex(shape: RowShape, ref: object): number | undefined {
  const raw = shape.meta.matchTarget?.(ref);
  if (raw === undefined || raw === AMBIGUOUS) return undefined;
  if (shape.rawIndex === undefined) return raw;
  const v = shape.rawIndex.indexOf(raw);
  return v < 0 ? undefined : v;
}

function standsFor(ref: object): object {
  const col = (ref as { readonly column?: unknown }).column;
  return typeof col === "object" && col !== null ? col : ref;
}

/**
 * Names a target object in an error: a SQL element describes itself (`column 'users.id'`); the
 * message already says "for column", so a column reads `'users.id'`, as in SQLAlchemy's
 * "Could not locate column in row for column 'users.id'".
 */
function describeTarget(ref: object | null): string {
  const d = (ref as { describe?: unknown } | null)?.describe;
  const text = typeof d === "function" ? String((d as () => unknown).call(ref)) : String(ref);
  return text.startsWith("column '") ? text.slice("column ".length) : text;
}

function ambiguous(key: string): InvalidRequestError {
  return new InvalidRequestError(`Ambiguous column name '${key}' in result set column descriptions`);
}

const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;

function buildShape(
  meta: ResultMetadata,
  keysIn: readonly string[],
  rawIndex: readonly number[] | undefined,
  processors: readonly (ResultProcessor | undefined)[],
): RowShape {
  const keys = Object.freeze(keysIn.slice());
  const keyIndex = new Map<string, number>();
  keys.forEach((k, i) => keyIndex.set(k, keyIndex.has(k) ? AMBIGUOUS : i));
  addAliases(keyIndex, meta.aliases, keys.length, rawIndex);
  const objectIndex = new Map<object, number>();
  const targets = meta.targets;
  if (targets !== undefined) {
    for (let i = 0; i < keys.length; i++) {
      // First occurrence wins: a repeated column is not ambiguous when addressed by object.
      for (const t of targets[rawIndex ? rawIndex[i] : i] ?? []) if (!objectIndex.has(t)) objectIndex.set(t, i);
    }
  }

  // One class per shape: its prototype carries the accessors, instances carry only their data.
  const RowClass = class Row extends RowBase {};
  const MappingClass = class RowMapping extends RowMappingBase {};
  const getters: (() => unknown)[] = keys.map(
    (_k, i) =>
      function (this: RowBase) {
        // `?.`: inspecting the prototype itself (debuggers, test diffs) must not throw.
        return this[ROW_DATA]?.[i];
      },
  );
  for (let i = 0; i < keys.length; i++) {
    Object.defineProperty(RowClass.prototype, i, { get: getters[i], enumerable: false });
  }
  for (const [key, i] of keyIndex) {
    const get =
      i === AMBIGUOUS
        ? () => {
            throw ambiguous(key);
          }
        : getters[i];
    // A row is a tuple first: its own members and index positions win over column names.
    if (!(key in RowBase.prototype) && !INDEX_LIKE.test(key)) {
      Object.defineProperty(RowClass.prototype, key, { get, enumerable: false });
    }
    // A mapping is a mapping first: column keys win over its methods.
    if (key !== "__proto__") Object.defineProperty(MappingClass.prototype, key, { get, enumerable: false });
  }

  const build = makeBuilder(rawIndex, processors);
  const makeRow: (raw: RawRow) => RowBase =
    build === identity ? (raw) => new RowClass(raw) : (raw) => new RowClass(build(raw));
  const makeMapping: (raw: RawRow) => RowMappingBase =
    build === identity ? (raw) => new MappingClass(raw) : (raw) => new MappingClass(build(raw));

  const shape: RowShape = {
    keys,
    keyIndex,
    objectIndex,
    rawIndex,
    processors,
    RowClass,
    MappingClass,
    build,
    makeRow,
    makeMapping,
    meta,
    projections: new Map(),
    anchors: [new RowClass(EMPTY_DATA), new MappingClass(EMPTY_DATA)],
  };
  Object.defineProperty(RowClass.prototype, ROW_SHAPE, { value: shape });
  Object.defineProperty(MappingClass.prototype, ROW_SHAPE, { value: shape });
  return shape;
}

/**
 * Registers the alias names of the view columns (see `ResultMetadata.aliases`) in `keyIndex`,
 * following SQLAlchemy's result keymap: when the primary keys are all distinct they take
 * precedence over aliases (`row.b` is the column named `b`, not the one keyed `b`); when some
 * primary key occurs twice, any name that stands for two different columns is ambiguous.
 */
function addAliases(
  keyIndex: Map<string, number>,
  aliases: ResultMetadata["aliases"],
  n: number,
  rawIndex: readonly number[] | undefined,
): void {
  if (aliases === undefined) return;
  const primaryDupes = [...keyIndex.values()].includes(AMBIGUOUS);
  const primary = new Set(keyIndex.keys());
  for (let i = 0; i < n; i++) {
    for (const name of aliases[rawIndex ? rawIndex[i] : i] ?? []) {
      const at = keyIndex.get(name);
      if (at === undefined || at === i) keyIndex.set(name, i);
      else if (primaryDupes) keyIndex.set(name, AMBIGUOUS);
      // Without duplicates a primary name wins; of two aliases the later one does, as SQLAlchemy's.
      else if (!primary.has(name)) keyIndex.set(name, i);
    }
  }
}

const EMPTY_DATA: readonly unknown[] = Object.freeze([]);

function identity(raw: RawRow): readonly unknown[] {
  return raw;
}

/**
 * The data-array builder: no copy when nothing is projected and no processor changes a value;
 * otherwise one copy, with the processors (precomputed by index) applied once per value.
 * PostgreSQL's int/float processors only convert the text of text-protocol drivers: postgres.js
 * already returns numbers, and copying every row for nothing made a 500,000-row read allocate
 * (and promote) a second array per row.
 */
function makeBuilder(
  rawIndex: readonly number[] | undefined,
  processors: readonly (ResultProcessor | undefined)[],
): (raw: RawRow) => readonly unknown[] {
  const idx: number[] = [];
  const fns: ResultProcessor[] = [];
  // Per processor, whether NULL goes through it too (a TypeDecorator's): built-in types skip it.
  const onNull: boolean[] = [];
  processors.forEach((p, i) => {
    if (p !== undefined) {
      idx.push(i);
      fns.push(p);
      onNull.push(processesNull(p));
    }
  });
  if (rawIndex !== undefined) {
    const n = rawIndex.length;
    const procs = processors.slice();
    const nulls = procs.map((p) => processesNull(p));
    return (raw) => {
      const d = new Array<unknown>(n);
      for (let j = 0; j < n; j++) {
        const v = raw[rawIndex[j]];
        const p = procs[j];
        d[j] = p === undefined ? v : v == null ? (nulls[j] ? p(null) : v) : p(v);
      }
      return d;
    };
  }
  if (idx.length === 0) return identity;
  const m = idx.length;
  return (raw) => {
    let d = raw;
    for (let k = 0; k < m; k++) {
      const i = idx[k];
      let v = raw[i];
      if (v == null) {
        if (!onNull[k]) continue;
        v = null;
      }
      const out = fns[k](v);
      if (out === v) continue;
      // Copy on the first change: the raw row stays as the driver returned it for other views.
      if (d === raw) d = raw.slice();
      (d as unknown[])[i] = out;
    }
    return d;
  };
}

/** @internal The default `unique()` key of a row: its values, compared element-wise. */
export const rowKey = (row: { readonly [ROW_DATA]: readonly unknown[] }): unknown => row[ROW_DATA];

/**
 * @internal A row-level `unique(strategy)` carried over to `mappings()`: the strategy still sees
 * each item as a row of `shape` (SQLAlchemy applies it before the mapping is made). Undefined for
 * the default key, which mappings compare by value themselves.
 */
export function rowStrategyForMappings<M>(shape: RowShape, strategy: UniqueStrategy<never>): UniqueStrategy<M> | undefined {
  if (strategy === rowKey) return undefined;
  const RowClass = shape.RowClass;
  return (m) => strategy(new RowClass((m as unknown as RowMappingBase)[ROW_DATA]) as never);
}
