/**
 * Models for the relationship-operator suites: users → addresses (one-to-many / many-to-one,
 * a deferred column on the parent), items ↔ keywords (many-to-many), a self-referential tree,
 * and regions → stores over a composite foreign key. Each call builds a fresh DeclarativeBase
 * with table names unique to the calling test file.
 */
import {
  DeclarativeBase, ForeignKey, ForeignKeyConstraint, Integer, mappedColumn, relationship,
  String, Table, Column,
} from "athanor";
import "athanor/adapters/libsql";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { SQLiteDialect } from "../../../src/dialects/sqlite/index.js";
import type { ClauseElement } from "../../../src/sql/elements.js";
// In scope so the inferred return type of defineQueryModels() can be emitted (declaration: true).
import { DISPATCH } from "../../../src/engine/events.js";
import { STATE } from "../../../src/orm/state.js";
import { uniqueName } from "../../fixtures/databases.js";
void DISPATCH;
void STATE;

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function defineQueryModels(prefix: string) {
  class Base extends DeclarativeBase {}
  const p = uniqueName(prefix);
  const t = (n: string) => `${p}_${n}`;

  const itemKeywords = Table(t("item_keywords"), Base.metadata, {
    item_id: Column(Integer, { foreignKey: `${t("items")}.id`, primaryKey: true }),
    keyword_id: Column(Integer, { foreignKey: `${t("keywords")}.id`, primaryKey: true }),
  });

  class User extends Base.model(t("users"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
    bio: mappedColumn(String(200), { nullable: true, deferred: true }),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user", orderBy: () => Address.id });
    declare addresses: Address[];
    /** One-to-one, seen from the parent. */
    static passport = relationship(() => Passport, { uselist: false, backPopulates: "holder" });
    declare passport: Passport | null;
  }

  class Passport extends Base.model(t("passports"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    country: mappedColumn(String(2)),
    holderId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "holder_id" }),
  }) {
    static holder = relationship(() => User, { backPopulates: "passport" });
    declare holder: User;
  }

  class Address extends Base.model(t("addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    email: mappedColumn(String(100), { name: "email_address" }),
    userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id", nullable: true }),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User | null;
  }

  class Item extends Base.model(t("items"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
  }) {
    static keywords = relationship(() => Keyword, { secondary: itemKeywords, backPopulates: "items" });
    declare keywords: Keyword[];
  }

  class Keyword extends Base.model(t("keywords"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
  }) {
    static items = relationship(() => Item, { secondary: itemKeywords, backPopulates: "keywords" });
    declare items: Item[];
  }

  class Node extends Base.model(t("nodes"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    parentId: mappedColumn(ForeignKey(`${t("nodes")}.id`), { name: "parent_id", nullable: true }),
    name: mappedColumn(String(50)),
  }) {
    static parent = relationship(() => Node, { remoteSide: () => Node.id, backPopulates: "children" });
    declare parent: Node | null;
    static children = relationship(() => Node, { backPopulates: "parent", orderBy: () => Node.id });
    declare children: Node[];
  }

  // Self-referential many-to-many: who follows whom.
  const follows = Table(t("follows"), Base.metadata, {
    follower_id: Column(Integer, { foreignKey: `${t("people")}.id`, primaryKey: true }),
    followed_id: Column(Integer, { foreignKey: `${t("people")}.id`, primaryKey: true }),
  });
  class Person extends Base.model(t("people"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
  }) {
    static following = relationship(() => Person, {
      secondary: follows,
      primaryjoin: () => Person.id.eq(follows.c.follower_id),
      secondaryjoin: () => Person.id.eq(follows.c.followed_id),
    });
    declare following: Person[];
  }

  class Region extends Base.model(t("regions"), {
    country: mappedColumn(String(2), { primaryKey: true }),
    code: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
  }) {
    static stores = relationship(() => Store, { backPopulates: "region", orderBy: () => Store.id });
    declare stores: Store[];
  }

  class Store extends Base.model(
    t("stores"),
    {
      id: mappedColumn(Integer, { primaryKey: true }),
      country: mappedColumn(String(2), { nullable: true }),
      regionCode: mappedColumn(Integer, { name: "region_code", nullable: true }),
      name: mappedColumn(String(50)),
    },
    { tableArgs: [ForeignKeyConstraint(["country", "region_code"], [`${t("regions")}.country`, `${t("regions")}.code`])] },
  ) {
    static region = relationship(() => Region, { backPopulates: "stores" });
    declare region: Region | null;
  }

  return { Base, t, User, Address, Passport, Item, Keyword, Node, Person, follows, Region, Store, itemKeywords };
}

export type QueryModels = ReturnType<typeof defineQueryModels>;

/** SQL text of a statement compiled for each dialect, newlines folded to spaces. */
export function sqlOf(stmt: ClauseElement, dialect: "postgresql" | "sqlite"): string {
  const d = dialect === "postgresql" ? new PGDialect() : new SQLiteDialect();
  return stmt.compile({ dialect: d }).sql.replace(/\s*\n\s*/g, " ");
}

/** Bound values of a statement compiled for a dialect, in placeholder order. */
export function paramsOf(stmt: ClauseElement, dialect: "postgresql" | "sqlite"): readonly unknown[] {
  const d = dialect === "postgresql" ? new PGDialect() : new SQLiteDialect();
  return stmt.compile({ dialect: d }).positionalParams;
}

/** A test database with the models' tables created: the loading suites' {@link openDb}. */
export { openDb as openQueryDb, type Db as QueryDb } from "../loading/models.js";
