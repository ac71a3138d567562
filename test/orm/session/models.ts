/**
 * Models for the session suites: users → addresses (one-to-many, backPopulates), users → notes
 * (a write-only collection), users ↔ tags (a write-only many-to-many); both write-only ones are
 * passiveDeletes over ON DELETE CASCADE foreign keys. Each call builds a fresh
 * DeclarativeBase with table names unique to the calling test file; `tenantId` columns support
 * the multi-tenant doOrmExecute test.
 */
import {
  AsyncSession, Column, createAsyncEngine, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, String, Table,
  writeOnly, type AsyncEngine, type SessionOptions,
} from "athanor";
import "athanor/adapters/libsql";
import { afterAll, beforeAll, beforeEach } from "vitest";
// Named so the inferred model class types can be emitted (TS4058).
import type { DISPATCH } from "../../../src/engine/events.js";
import type { STATE } from "../../../src/orm/state.js";
import { countingDriver, uniqueName, type CountingDriver, type DialectTarget } from "../../fixtures/databases.js";

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function defineModels(prefix: string) {
  class Base extends DeclarativeBase {}
  const p = uniqueName(prefix);
  const t = (n: string) => `${p}_${n}`;

  const userTags = Table(
    t("user_tags"),
    Base.metadata,
    {
      user_id: Column(Integer, { foreignKey: ForeignKey(`${t("users")}.id`, { onDelete: "CASCADE" }), primaryKey: true }),
      tag_id: Column(Integer, { foreignKey: `${t("tags")}.id`, primaryKey: true }),
    },
  );

  class User extends Base.model(t("users"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { unique: true }),
    fullname: mappedColumn(String(60), { nullable: true }),
    tenantId: mappedColumn(Integer, { name: "tenant_id", default: 1 }),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user", orderBy: () => Address.id, cascade: "all, delete-orphan" });
    declare addresses: Address[];
    // passiveDeletes: a write-only collection is never loaded, so deleting a user leaves its
    // notes and tag links to ON DELETE CASCADE (SQLAlchemy raises at flush without it).
    static notes = writeOnly(() => Note, { cascade: "all, delete-orphan", passiveDeletes: true });
    static tags = relationship(() => Tag, { secondary: userTags, lazy: "write_only", passiveDeletes: true });
  }

  class Address extends Base.model(t("addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    email: mappedColumn(String(100), { name: "email_address" }),
    userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id" }),
    tenantId: mappedColumn(Integer, { name: "tenant_id", default: 1 }),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User;
  }

  class Note extends Base.model(t("notes"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(ForeignKey(`${t("users")}.id`, { onDelete: "CASCADE" }), { name: "user_id", nullable: true }),
    body: mappedColumn(String(100)),
    priority: mappedColumn(Integer, { default: 0 }),
  }) {}

  class Tag extends Base.model(t("tags"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    label: mappedColumn(String(30)),
  }) {}

  return { Base, User, Address, Note, Tag, userTags };
}

export type Models = ReturnType<typeof defineModels>;

/** A test database: engine behind a counting driver, tables created. */
export interface Db {
  readonly engine: AsyncEngine;
  readonly counting: CountingDriver;
  readonly dialect: string;
  session(opts?: SessionOptions): AsyncSession;
  /** SQL sent since the last reset. */
  readonly statements: string[];
  cleanup(): Promise<void>;
}

export async function openDb(target: DialectTarget, base: { metadata: { createAll(c: never): Promise<void>; dropAll(c: never): Promise<void> } }): Promise<Db> {
  const d = await target.make();
  const counting = countingDriver(d.driver);
  const engine = createAsyncEngine(counting);
  await engine.begin(async (conn) => {
    await base.metadata.dropAll(conn as never);
    await base.metadata.createAll(conn as never);
  });
  return {
    engine,
    counting,
    dialect: target.dialect,
    session: (opts?: SessionOptions) => new AsyncSession(engine, opts),
    statements: counting.statements,
    async cleanup() {
      await engine.begin(async (conn) => {
        await base.metadata.dropAll(conn as never);
      });
      await engine.dispose();
      await d.cleanup();
    },
  };
}

/**
 * The usual suite setup: the models' tables created once on `target` for the enclosing
 * `describe`, emptied (and the statement counts reset) before each test, dropped after. Returns
 * the database, usable from inside the tests.
 */
export function useDb(target: DialectTarget, m: Models): Db {
  let current: Db | undefined;
  const db = (): Db => {
    if (current === undefined) throw new Error("useDb(): the database is opened in beforeAll; use it inside tests");
    return current;
  };
  beforeAll(async () => {
    current = await openDb(target, m.Base);
  });
  afterAll(async () => {
    await current?.cleanup();
  });
  beforeEach(async () => {
    await truncate(db(), m);
    db().counting.reset();
  });
  return {
    get engine() {
      return db().engine;
    },
    get counting() {
      return db().counting;
    },
    get dialect() {
      return db().dialect;
    },
    get statements() {
      return db().statements;
    },
    session: (opts?: SessionOptions) => db().session(opts),
    cleanup: () => db().cleanup(),
  };
}

/** Delete every row of the models' tables (children first). */
export async function truncate(db: Db, m: Models): Promise<void> {
  await db.engine.begin(async (conn) => {
    for (const t of [m.userTags, m.Note.__table__, m.Tag.__table__, m.Address.__table__, m.User.__table__]) {
      await conn.execDriverSql(`DELETE FROM ${t.name}`);
    }
  });
}
