/**
 * athanor: SQLAlchemy 2.0's architecture, async-first, for edge runtimes.
 *
 * Core: schema, expressions and statements (`select`, `insert`, `update`, `delete`), compiled
 * per dialect and cached. Engine: `createAsyncEngine`, `AsyncConnection`, `Result`,
 * `AsyncResult`. Adapters live in `athanor/adapters/*`; dialect-only constructs in
 * `athanor/dialects/*`.
 * @module
 */
import "./sql/compiler.js";

export * from "./errors.js";
export { warn, warnings, AthanorWarning, CartesianProductWarning, AthanorDeprecationWarning } from "./warnings.js";

// schema and types
export * from "./sql/types/index.js";
export { TypeEngine, NullType, NULLTYPE, type TypeArg, type JsTypeOf, type BindProcessor, type ResultProcessor } from "./sql/type-api.js";
export {
  MetaData, ForeignKey, ForeignKeyConstraint, PrimaryKeyConstraint, UniqueConstraint, CheckConstraint, Index, Identity,
  Sequence, Computed, FetchedValue, type Newable,
} from "./sql/schema-factories.js";
export {
  Table, TableImpl, Column, ColumnImpl, Constraint, sortTablesByDependency,
  type ColumnOptions, type ColumnDefault, type ServerDefault, type TableArg, type TableOptions, type DdlIf,
  type ForeignKeyOptions, type ReferentialAction, type DdlExecutor, type ColumnValue, type ConstraintOptions,
  type IdentityOptions,
} from "./sql/schema.js";
export {
  CreateTable, DropTable, CreateIndex, DropIndex, CreateSequence, DropSequence, DDLElement, AddConstraint, DropConstraint,
  SetTableComment, SetColumnComment,
} from "./sql/ddl.js";
// naming conventions and table sorting
export {
  conv, Conv, DEFAULT_NAMING_CONVENTION, type NamingConvention, type ConventionKey, type ConventionToken, type ConstraintName,
  type MetaDataOptions, type IndexOptions, type IndexElement, type PostgresqlConstraintOptions, sortTables, sortTablesAndConstraints,
  type ForeignKeyFilter,
} from "./sql/schema.js";

// expressions
export {
  ClauseElement, ColumnElement, BindParameter, BinaryExpression, BooleanClauseList, UnaryExpression, Label, Cast, Case,
  Tuple, TextClause, FunctionElement, Over, Grouping, LiteralColumn,
  and, or, not, bindparam, literal, literalColumn, text, cast, case_ as case, case_, tuple, null_, true_, false_,
  asc, desc, nullsFirst, nullsLast, distinct,
  type AnyColumn, type Operand, type Condition, type OverOptions,
  WithinGroup, Extract, CollectionAggregate, TypeCoerce, FunctionFilter, ScalarFunctionColumn, type TableValuedArgs, extract, any_, all_, typeCoerce, tuple_,
  IndexExpression, JSONElement, type AtResult, type LikeAroundOptions, TextualLabelReference, type CaseWhen,
  type CaseOptions,
} from "./sql/elements.js";
export {
  JSONIndexType, JSONPathType, TextArrayType,
  type JsonPathElement, type JsonAt, type JsonAtPath, type JsonContained, type IndexArg, type StringReceiver, type ContainerReceiver,
  type StringOperatorOnNonString, type IndexOperatorOnScalar,
} from "./sql/json-operators.js";
export { NextValue } from "./sql/schema.js";
export { ColumnClause, column } from "./sql/column.js";
export { func, type FuncNamespace } from "./sql/functions.js";

// statements
export {
  TableValuedAlias, type CorrelateArg,
  select, table, values, exists, lateral, join, outerjoin, cte, union, unionAll, except_, intersect, exceptAll, intersectAll, tablesample, TableSample, TextualSelect,
  LABEL_STYLE_DISAMBIGUATE_ONLY, LABEL_STYLE_TABLENAME_PLUS_COL, LABEL_STYLE_NONE, LABEL_STYLE_DEFAULT, type LabelStyle, type TextColumnArg,
  Select, SelectBase, GenerativeSelect, CompoundSelect, FromClause, TableClause, Alias, CTE, Join, Values, ScalarSelect, Exists,
  type ColumnMap, type SelectArg, type RowTupleOf, type RowNamesOf, type ForUpdateOptions, type FetchOptions,
} from "./sql/selectable.js";
export {
  insert, update, delete_ as delete, delete_, Insert, Update, Delete, UpdateBase, AmbiguousColumnError, fromDmlColumn, FromDmlColumn,
  type ValuesOf, type ColumnKeyedValues, type ReturningOptions, type ReturnDefaultsOptions, type PositionalRow, type PositionalValue,
  type ExpressionKeyedValues,
} from "./sql/dml.js";
export { Compiled, SQLCompiler, type CompileOptions, type ResultColumn } from "./sql/compiler.js";
export { Dialect, defaultDialect } from "./sql/dialect.js";
export { generateCacheKey, type CacheKey } from "./sql/cache-key.js";

// engine
export { createAsyncEngine, AsyncEngine, type EngineOptions } from "./engine/engine.js";
export { AsyncConnection, type ExecutionOptions, type ExecuteParams } from "./engine/connection.js";
export { Transaction } from "./engine/transaction.js";
export { CompiledCache, type CacheStats } from "./engine/compiled-cache.js";
export { URL, makeUrl } from "./engine/url.js";
export { event, DISPATCH, type ConnectionEvents, type ExceptionContext } from "./engine/events.js";
export * from "./engine/result/index.js";
export { registerDriver, type DriverFactory, type DriverFactoryArgs } from "./engine/driver/registry.js";
export type * from "./engine/driver/contract.js";
export * from "./engine/reflection/index.js";

// ORM
export * from "./orm/index.js";
