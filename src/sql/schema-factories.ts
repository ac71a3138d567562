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
export const ForeignKey = /* @__PURE__ */ newable(S.ForeignKey) as typeof S.ForeignKey &
  (<T = unknown>(spec: string | ColumnElement<T, string>, opts?: S.ForeignKeyOptions, constraint?: S.ForeignKeyConstraint) => S.ForeignKey<T>);
export type ForeignKey<T = unknown> = S.ForeignKey<T>;
export const ForeignKeyConstraint = /* @__PURE__ */ newable(S.ForeignKeyConstraint);
export type ForeignKeyConstraint = S.ForeignKeyConstraint;
export const PrimaryKeyConstraint = /* @__PURE__ */ newable(S.PrimaryKeyConstraint);
export type PrimaryKeyConstraint = S.PrimaryKeyConstraint;
export const UniqueConstraint = /* @__PURE__ */ newable(S.UniqueConstraint);
export type UniqueConstraint = S.UniqueConstraint;
export const CheckConstraint = /* @__PURE__ */ newable(S.CheckConstraint);
export type CheckConstraint = S.CheckConstraint;
export const Index = /* @__PURE__ */ newable(S.Index);
export type Index = S.Index;
export const Identity = /* @__PURE__ */ newable(S.Identity);
export type Identity = S.Identity;
export const Sequence = /* @__PURE__ */ newable(S.Sequence);
export type Sequence = S.Sequence;
export const Computed = /* @__PURE__ */ newable(S.Computed);
export type Computed = S.Computed;
export const FetchedValue = /* @__PURE__ */ newable(S.FetchedValue);
export type FetchedValue = S.FetchedValue;
export const MetaData = /* @__PURE__ */ newable(S.MetaData);
export type MetaData = S.MetaData;
