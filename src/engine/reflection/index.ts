/**
 * Schema reflection (SQLAlchemy 2.0's `Inspector`, `Table(autoload_with=…)` and
 * `MetaData.reflect()`), async: {@link AsyncInspector}, {@link inspector},
 * {@link reflectTable} and {@link reflectMetaData}, plus the reflected result shapes.
 * @module
 */
export { AsyncInspector, inspector, type InspectorBind, type MultiReflectionOptions, type ReflectionKind } from "./inspector.js";
export { reflectTable, reflectMetaData, type ReflectOptions, type ReflectTableOptions, type ReflectedColumns } from "./reflect.js";
export type {
  ReflectedColumn, ReflectedIdentity, ReflectedPrimaryKeyConstraint, ReflectedForeignKeyConstraint, ReflectedForeignKeyOptions, ReflectedIndex,
  ReflectedUniqueConstraint, ReflectedCheckConstraint, ReflectedTableComment,
} from "../../dialects/reflection/types.js";
