/**
 * Database errors through the engine on PostgreSQL, libSQL file and :memory:: the DBAPIError
 * hierarchy with SQLSTATE / SQLite code, statement and parameters, hideParameters, and the
 * handleError event.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String } from "../../src/sql/types/index.js";
import { event, insert, select, text } from "../../src/index.js";
import { DBAPIError, IntegrityError, ProgrammingError, InvalidRequestError } from "../../src/errors.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

async function catchErr(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engerr"), metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    name: Column(String(40), { unique: true }),
  });
  let h: EngineHandle;
  let hidden: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => metadata.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });

  it("a unique violation is an IntegrityError with sqlstate, statement and params", async () => {
    await using conn = await h.engine.connect();
    await conn.execute(insert(t).values({ id: 1, name: "dup" }));
    await conn.commit();
    const err = await catchErr(conn.execute(insert(t).values({ id: 2, name: "dup" })));
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err).toBeInstanceOf(DBAPIError);
    const e = err as IntegrityError;
    if (target.dialect === "postgresql") {
      expect(e.sqlstate).toBe("23505");
      expect(e.constraint).toBeTypeOf("string");
    } else {
      expect(e.sqlstate).toMatch(/^SQLITE_CONSTRAINT/);
    }
    const ph = target.dialect === "postgresql" ? "($1, $2)" : "(?, ?)";
    expect(e.statement).toBe(`INSERT INTO ${t.name} (id, name) VALUES ${ph}`);
    expect(e.params).toEqual([2, "dup"]);
    expect(e.message).toContain(`[SQL: INSERT INTO ${t.name} (id, name) VALUES ${ph}]`);
    expect(e.message).toContain('[parameters: [2,"dup"]]');
    expect(e.orig).toBeDefined();
  });

  it("the transaction can be rolled back and reused after a database error", async () => {
    await using conn = await h.engine.connect();
    await conn.execute(insert(t).values({ id: 10, name: "ten" }));
    await expect(conn.execute(insert(t).values({ id: 10, name: "ten again" }))).rejects.toThrow(IntegrityError);
    await conn.rollback();
    expect(await conn.scalar(select(t.c.name).where(t.c.id.eq(1)))).toBe("dup");
  });

  it("hideParameters keeps parameter values out of the error", async () => {
    hidden = await target.make({ hideParameters: true });
    try {
      await hidden.engine.begin((conn) => metadata.createAll(conn));
      await using conn = await hidden.engine.connect();
      await conn.execute(insert(t).values({ id: 100, name: "secret-value" }));
      const err = (await catchErr(conn.execute(insert(t).values({ id: 101, name: "secret-value" })))) as IntegrityError;
      expect(err).toBeInstanceOf(IntegrityError);
      expect(err.params).toBeUndefined();
      expect(err.hideParameters).toBe(true);
      expect(err.message).not.toContain("secret-value");
      expect(err.message).toContain("[SQL parameters hidden due to hideParameters=true]");
      expect(err.statement).toContain(`INSERT INTO ${t.name}`);
    } finally {
      await hidden.cleanup();
    }
  });

  it("a syntax error is a ProgrammingError (or the dialect's equivalent) with the SQL", async () => {
    await using conn = await h.engine.connect();
    const err = (await catchErr(conn.execute(text("SELEC 1")))) as DBAPIError;
    expect(err).toBeInstanceOf(ProgrammingError);
    expect(err.statement).toBe("SELEC 1");
    if (target.dialect === "postgresql") expect(err.sqlstate).toBe("42601");
    else expect(err.sqlstate).toMatch(/^SQLITE_ERROR/);
  });

  it("a missing table is a ProgrammingError", async () => {
    await using conn = await h.engine.connect();
    const err = await catchErr(conn.execute(text("SELECT * FROM engerr_no_such_table")));
    expect(err).toBeInstanceOf(ProgrammingError);
  });

  it("handleError can replace the error; the context carries statement and params", async () => {
    class AppError extends Error {}
    const seen: { statement?: string; parameters?: readonly unknown[]; orig: unknown; athanor?: Error }[] = [];
    const fn = (ctx: { statement?: string; parameters?: readonly unknown[]; originalException: unknown; sqlalchemyException?: Error }) => {
      seen.push({
        ...(ctx.statement !== undefined ? { statement: ctx.statement } : {}),
        ...(ctx.parameters !== undefined ? { parameters: ctx.parameters } : {}),
        orig: ctx.originalException,
        ...(ctx.sqlalchemyException ? { athanor: ctx.sqlalchemyException } : {}),
      });
      if (ctx.sqlalchemyException instanceof IntegrityError) return new AppError("duplicate name");
    };
    event.listen(h.engine, "handleError", fn);
    try {
      await using conn = await h.engine.connect();
      const err = await catchErr(conn.execute(insert(t).values({ id: 3, name: "dup" })));
      expect(err).toBeInstanceOf(AppError);
      expect(err.message).toBe("duplicate name");
      expect(seen).toHaveLength(1);
      expect(seen[0]!.statement).toContain(`INSERT INTO ${t.name}`);
      expect(seen[0]!.parameters).toEqual([3, "dup"]);
      expect(seen[0]!.athanor).toBeInstanceOf(IntegrityError);
      await conn.rollback();
      // A listener returning nothing keeps the athanor error.
      const err2 = await catchErr(conn.execute(text("SELEC 2")));
      expect(err2).toBeInstanceOf(ProgrammingError);
    } finally {
      event.remove(h.engine, "handleError", fn);
    }
  });

  it("a statement passed as a plain string is refused with ArgumentError naming text()", async () => {
    await using conn = await h.engine.connect();
    await expect(conn.execute("SELECT 1" as never)).rejects.toThrow(/must be wrapped in text\(\)/);
  });

  it("errors of the engine itself are not DBAPIErrors", async () => {
    await using conn = await h.engine.connect();
    const tx = await conn.begin();
    await tx.rollback();
    const err = await catchErr(tx.commit());
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err).not.toBeInstanceOf(DBAPIError);
  });
});
