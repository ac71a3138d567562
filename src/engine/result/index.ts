/**
 * Result objects: `Result` (buffered), `AsyncResult` (streaming), their `scalars()` and
 * `mappings()` views, and `Row` / `RowMapping`, following SQLAlchemy 1.4/2.0.
 * @module
 */
export type { ResultMetadata, ResultProcessor, ResultInfo, AsyncResultOptions, UniqueStrategy } from "./metadata.js";
export { Row, RowBase, type RowIndexed, type RowNamed, type KnownKeys, type ColumnKey } from "./row.js";
export { RowMapping, RowMappingBase } from "./row-mapping.js";
export type { ColumnRef, ColumnValue, PickColumns, PickNamed } from "./columns-types.js";
export { SyncResultBase } from "./result-base.js";
export { Result } from "./result.js";
export { ScalarResult } from "./scalar-result.js";
export { MappingResult } from "./mapping-result.js";
export { AsyncResultBase } from "./async-result-base.js";
export { AsyncResult } from "./async-result.js";
export { AsyncScalarResult } from "./async-scalar-result.js";
export { AsyncMappingResult } from "./async-mapping-result.js";
export type { FrozenResult } from "./frozen-result.js";
