/**
 * The ORM: typed declarative models, AsyncSession with identity map and unit of work, explicit
 * eager loading, ORM-enabled DML.
 * @module
 */
export {
  DeclarativeBase, Registry, configureModel, type ModelClass, type ModelColumns, type ModelRow, type ModelInit, type ModelOptions,
  type ModelTableColumns, type MappedInstance, type SubclassOptions, type SubclassModel, type ModelConstructor, type ModelInitColumns,
  type RequiredInitKeys, type NoInitKeys,
} from "./declarative.js";
export {
  mappedColumn, MappedColumn, columnProperty, queryExpression, ColumnExpressionProperty, type MappedColumnOptions, type OptionalInInit,
  type ColumnPropertyOptions, type QueryExpressionOptions, type InInit,
} from "./mapped-column.js";
export {
  relationship, writeOnly, RelationshipSpec, RelationshipComparator, RelationshipOfType, type RelationshipOptions, type LazyStrategy, type InnerJoinSetting,
} from "./relationship.js";
export { withParent } from "./relationship-operators.js";
export { remote, foreign, JoinAnnotation } from "./join-annotations.js";
export { synonym, synonymOf, SynonymProperty, type SynonymOptions } from "./synonym.js";
export { inspect, AliasedInsp } from "./inspection.js";
export { InstrumentedAttribute, Mapper, ColumnProperty, RelationshipProperty, mapperOf, requireMapper, type MappedClass, type MapperEvents, type MapperLoadContext } from "./mapper.js";
export { AsyncSession, asyncSessionmaker, closeAllSessions, SessionTransaction, type SessionOptions, type JoinTransactionMode, type SessionEvents, OrmExecuteState, type SessionExecuteOptions, type GetOptions, type AsyncSessionmaker, type MergeOptions, type OrmBulkContext, type SessionTransactionOrigin } from "./session.js";
export { selectinload, joinedload, defaultload, raiseload, noload, containsEager, defer, undefer, undeferGroup, loadOnly, withLoaderCriteria, withExpression, Load, type LoaderOption, type SelectinOptions } from "./options.js";
export { aliased, AliasedClass, withPolymorphic, PolymorphicEntity, type Aliased, type WithPolymorphic, type WithPolymorphicOptions } from "./aliased.js";
export { WriteOnlyCollection, writeOnlyCollection } from "./write-only.js";
export { UnloadedAttributeError, ExpiredAttributeError } from "./instrumentation.js";
export { InstanceState, stateOf, type ObjectStatus } from "./state.js";
export { AttributeState, History, NO_VALUE, type NoValue } from "./attribute-history.js";
export { objectSession, makeTransient, makeTransientToDetached, getHistory } from "./session-utils.js";
export { IdentityConflictWarning } from "./unitofwork.js";

import { stateOf as _stateOf, type ObjectStatus as _ObjectStatus } from "./state.js";
/** `inspect(obj).status`-style helper: the life-cycle state of a mapped instance (SQLAlchemy's object states). */
export function objectState(obj: object): _ObjectStatus | undefined {
  return _stateOf(obj)?.status;
}
