/**
 * Models for the ORM loading suites: users → orders → items ↔ keywords (many-to-many), users →
 * addresses, a self-referential tree (remoteSide) and a composite-key parent/child pair. Each
 * call builds a fresh DeclarativeBase with table names unique to the calling test file.
 */
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, ForeignKey, ForeignKeyConstraint, Integer, mappedColumn, relationship,
  String, Table, Column, select, type AsyncEngine,
} from "athanor";
import "athanor/adapters/libsql";
import { columnProperty, queryExpression } from "../../../src/orm/mapped-column.js";
import { func } from "../../../src/sql/functions.js";
// In scope so the inferred return type of defineModels() can be emitted (declaration: true).
import { DISPATCH } from "../../../src/engine/events.js";
import { STATE } from "../../../src/orm/state.js";
void DISPATCH;
void STATE;
import { ormResult, planOrmSelect, postLoad, processRows } from "../../../src/orm/loading.js";
import type { Select } from "../../../src/sql/selectable.js";
import type { Result } from "../../../src/engine/result/result.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function defineModels(prefix: string) {
  class Base extends DeclarativeBase {}
  const p = uniqueName(prefix);
  const t = (n: string) => `${p}_${n}`;

  const itemKeywords = Table(
    t("item_keywords"),
    Base.metadata,
    {
      item_id: Column(Integer, { foreignKey: `${t("items")}.id`, primaryKey: true }),
      keyword_id: Column(Integer, { foreignKey: `${t("keywords")}.id`, primaryKey: true }),
    },
  );

  class User extends Base.model(t("users"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
    fullname: mappedColumn(String(60), { nullable: true }),
    bio: mappedColumn(String(200), { nullable: true, deferred: true }),
    secret: mappedColumn(String(50), { nullable: true, deferredRaiseload: true }),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user", orderBy: () => Address.id });
    declare addresses: Address[];
    static orders = relationship(() => Order, { backPopulates: "user", orderBy: () => Order.id });
    declare orders: Order[];
    /** A SQL expression attribute: name and fullname. */
    static display = columnProperty(() => User.name.concat(" / ").concat(func.coalesce(User.fullname, "?")));
    declare readonly display: string;
    /** Deferred expression: number of addresses (a correlated subquery). */
    static addressCount = columnProperty(
      () => select(func.count()).selectFrom(Address.__table__).where(Address.userId.eq(User.id)).scalarSubquery(),
      { deferred: true },
    );
    declare readonly addressCount: number;
    /** Loaded only through withExpression(). */
    static score = queryExpression<number>();
    declare readonly score: number | null;
  }

  class Address extends Base.model(t("addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    email: mappedColumn(String(100), { name: "email_address" }),
    userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id" }),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User;
  }

  class Order extends Base.model(t("orders"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id" }),
    description: mappedColumn(String(50)),
  }) {
    static user = relationship(() => User, { backPopulates: "orders" });
    declare user: User;
    static items = relationship(() => Item, { backPopulates: "order", orderBy: () => Item.id });
    declare items: Item[];
  }

  class Item extends Base.model(t("items"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    orderId: mappedColumn(ForeignKey(`${t("orders")}.id`), { name: "order_id" }),
    name: mappedColumn(String(50)),
  }) {
    static order = relationship(() => Order, { backPopulates: "items" });
    declare order: Order;
    static keywords = relationship(() => Keyword, { secondary: itemKeywords, orderBy: () => Keyword.id });
    declare keywords: Keyword[];
  }

  class Keyword extends Base.model(t("keywords"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
  }) {
    static items = relationship(() => Item, { secondary: itemKeywords, viewonly: true });
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
      country: mappedColumn(String(2)),
      regionCode: mappedColumn(Integer, { name: "region_code" }),
      name: mappedColumn(String(50)),
    },
    { tableArgs: [ForeignKeyConstraint(["country", "region_code"], [`${t("regions")}.country`, `${t("regions")}.code`])] },
  ) {
    static region = relationship(() => Region, { backPopulates: "stores" });
    declare region: Region;
  }

  return { Base, User, Address, Order, Item, Keyword, Node, Region, Store, itemKeywords };
}

export type Models = ReturnType<typeof defineModels>;

/** A test database: engine behind a counting driver, models created. */
export interface Db {
  readonly engine: AsyncEngine;
  readonly counting: CountingDriver;
  session(): AsyncSession;
  /** SELECT statements sent since the last reset. */
  selects(): string[];
  cleanup(): Promise<void>;
}

export async function openDb(target: ReturnType<typeof dialectTargets>[number], base: { metadata: { createAll(c: unknown): Promise<void>; dropAll(c: unknown): Promise<void> } }): Promise<Db> {
  const d = await target.make();
  const counting = countingDriver(d.driver);
  const engine = createAsyncEngine(counting);
  await engine.begin(async (conn) => {
    await base.metadata.dropAll(conn);
    await base.metadata.createAll(conn);
  });
  const open: AsyncSession[] = [];
  return {
    engine,
    counting,
    session: () => {
      const s = new AsyncSession(engine, { expireOnCommit: false });
      open.push(s);
      return s;
    },
    selects: () => counting.statements.filter((s) => /^\s*SELECT/i.test(s)),
    async cleanup() {
      for (const s of open) await s.close();
      await engine.begin(async (conn) => {
        await base.metadata.dropAll(conn);
      });
      await engine.dispose();
      await d.cleanup();
    },
  };
}

export { createAsyncEngine };

/**
 * What session.execute() does for an ORM select, ending in loading.ts's ormResult() (which
 * enforces SQLAlchemy 2.0's unique() rule for joined eager collections).
 */
export async function ormExecute(session: AsyncSession, stmt: Select): Promise<Result<unknown[], Record<string, unknown>>> {
  await session.flush();
  const plan = planOrmSelect(stmt);
  const conn = await session.connection();
  const res = await conn.execute(plan.stmt);
  const ctx = session.loadContext(false);
  const tuples = processRows(ctx, plan, res.all().map((r) => r._tuple() as unknown[]));
  await postLoad(ctx, plan, tuples);
  return ormResult(plan, tuples);
}
