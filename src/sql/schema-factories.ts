/**
 * SQLAlchemy spells schema constructs as calls (`ForeignKey("user.id")`, `Index("ix", col)`);
 * these wrappers make each construct work both with and without `new`, sharing the class
 * prototype so `instanceof` still holds.
 * @module
 */
import * as S from "./schema.js";
import type { ColumnElement } from "./elements.js";

/** A class usable with or without `new`. */
export type Newable<C extends abstract new (...args: never[]) => unknown> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

function newable<C extends new (...args: never[]) => unknown>(cls: C): Newable<C> {
  const f = function (this: unknown, ...args: ConstructorParameters<C>) {
    return new cls(...args);
  };
  Object.defineProperty(f, "name", { value: cls.name });
  f.prototype = cls.prototype;
  return f as unknown as Newable<C>;
}

/**
 * `ForeignKey(users.c.id)` is a `ForeignKey<number>` (the target's JS type); a "table.column"
 * string gives `ForeignKey<unknown>`. Spelled out because `ConstructorParameters` drops the
 * class's type parameter.
 */
export const ForeignKey = newable(S.ForeignKey) as typeof S.ForeignKey &
  (<T = unknown>(spec: string | ColumnElement<T, string>, opts?: S.ForeignKeyOptions, constraint?: S.ForeignKeyConstraint) => S.ForeignKey<T>);
export type ForeignKey<T = unknown> = S.ForeignKey<T>;
export const ForeignKeyConstraint = newable(S.ForeignKeyConstraint);
export type ForeignKeyConstraint = S.ForeignKeyConstraint;
export const PrimaryKeyConstraint = newable(S.PrimaryKeyConstraint);
export type PrimaryKeyConstraint = S.PrimaryKeyConstraint;
export const UniqueConstraint = newable(S.UniqueConstraint);
export type UniqueConstraint = S.UniqueConstraint;
export const CheckConstraint = newable(S.CheckConstraint);
export type CheckConstraint = S.CheckConstraint;
export const Index = newable(S.Index);
export type Index = S.Index;
export const Identity = newable(S.Identity);
export type Identity = S.Identity;
export const Sequence = newable(S.Sequence);
export type Sequence = S.Sequence;
export const Computed = newable(S.Computed);
export type Computed = S.Computed;
export const MetaData = newable(S.MetaData);
export type MetaData = S.MetaData;
