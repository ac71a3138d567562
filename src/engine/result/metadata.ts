/**
 * What the engine hands a result about its columns.
 * @module
 */

/**
 * Converts a value as the driver returned it into its JS representation (a type's result
 * processor, SQLAlchemy's `TypeEngine.result_processor()`). Never called for SQL NULL
 * (`null` / `undefined`): NULL passes through untouched.
 */
export type ResultProcessor = (value: unknown) => unknown;

/**
 * Column layout of a result, built once per compiled statement and reused by every execution:
 * a result's row class is cached per metadata object, so pass the same object for the same
 * statement shape.
 */
export interface ResultMetadata {
  /** Result column keys, in order. May contain duplicates (named access then raises). */
  readonly keys: readonly string[];
  /** Per column: the result processor, or `undefined` when values pass through. */
  readonly processors: readonly (ResultProcessor | undefined)[];
  /**
   * Per column: objects that address it by identity besides its key (SQLAlchemy's
   * `row._mapping[table.c.id]`), typically the table column it selects. An object listed for
   * several columns addresses the first of them, as a repeated column in SQLAlchemy's result
   * map does. Omitted: columns are addressed by key and position only.
   */
  readonly targets?: readonly (readonly object[])[];
  /**
   * The column an object not among {@link targets} stands for, or undefined. The engine
   * matches an equal expression built again (a compiled form from the cache was compiled from
   * another statement's objects, whose result map SQLAlchemy adapts by position). Called only
   * after the lookup by identity failed. Returns a column index.
   */
  readonly matchTarget?: (ref: object) => number | undefined;
  /**
   * Per column: other names that address it besides its key, typically a table column's key
   * when it differs from the SQL name the result is keyed by (`Column(…, { name: "a" })` under
   * key `b`: `row.a` and `row.b`), as SQLAlchemy's result map holds both. When the keys are
   * distinct, a key wins over another column's alias; when some key occurs twice, any name
   * standing for two columns is ambiguous. Omitted: keys only.
   */
  readonly aliases?: readonly (readonly string[])[];
}

/** Write-side facts of a buffered result, as the driver reported them. */
export interface ResultInfo {
  /** Rows inserted, updated or deleted; -1 when the driver cannot tell. */
  readonly rowsAffected: number;
  /** SQLite's `last_insert_rowid()`, where the driver reports it. */
  readonly lastInsertRowid?: number | bigint;
  /**
   * Whether the statement returns rows (SQLAlchemy's `returns_rows`). Defaults to "has result
   * columns"; pass it for the rare row-returning statement without columns (`SELECT FROM t`).
   */
  readonly returnsRows?: boolean;
  /**
   * For an INSERT: its primary key by column key, or why it cannot be known (see
   * `Result.insertedPrimaryKey`).
   */
  readonly insertedPrimaryKey?: InsertedPrimaryKeyInfo;
  /**
   * For a statement with `returnDefaults()`: the RETURNING rows the engine added, their layout,
   * and whether it was an executemany (see `Result.returnedDefaults`).
   */
  readonly returnedDefaults?: { readonly meta: ResultMetadata; readonly rows: readonly (readonly unknown[])[]; readonly many: boolean };
}

/**
 * An INSERT's primary key by column key, or why it cannot be known; `values: null` when the key
 * was to come back by RETURNING and no row did (an INSERT ON CONFLICT DO NOTHING that conflicted).
 */
export type InsertedPrimaryKeyInfo =
  | {
      readonly keys: readonly string[];
      readonly values: readonly unknown[] | null;
      /** For an executemany: one key row per parameter set (`values` is then null). */
      readonly rows?: readonly (readonly unknown[])[];
    }
  | { readonly unavailable: string };

/** Options of a streaming {@link AsyncResult}. */
export interface AsyncResultOptions {
  /** Rows fetched from the cursor per round trip (a positive integer). */
  readonly chunkSize: number;
  /**
   * Called exactly once when the result closes (explicitly, on exhaustion, on `await using`, or
   * when a `for await` loop exits early), after the cursor is closed. The engine uses it to give
   * the connection back.
   */
  readonly onClose?: () => Promise<void>;
}

/**
 * Key of a row for `unique()`: the value returned is compared with SameValueZero, except that
 * arrays are compared element-wise, `Date`s by time and `Uint8Array`s by content.
 */
export type UniqueStrategy<Out> = {
  // Method syntax keeps the parameter bivariant, so a result of a narrower item type stays
  // assignable to a wider one (as arrays are).
  key(item: Out): unknown;
}["key"];
