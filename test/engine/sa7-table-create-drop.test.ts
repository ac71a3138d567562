/**
 * `Table.create()` / `Table.drop()` (SQLAlchemy's `Table.create(bind, checkfirst=False)` /
 * `Table.drop`): this table alone with its indexes and column sequences, not the MetaData's
 * other tables or standalone sequences; `checkFirst` defaults to false, so creating a table that
 * exists raises the database's error. Statements counted at the driver, on PostgreSQL and libSQL.
 */
import { describe, expect, it } from "vitest";
import { Column, createAsyncEngine, DBAPIError, event, Index, insert, Integer, MetaData, select, Sequence, String, Table } from "../../src/index.js";
import { dialectTargets, uniqueName } from "../fixtures/databases.js";

describe.each(dialectTargets())("Table.create / Table.drop on $name", (target) => {
  it("creates and drops only this table, its index and its column sequence", async () => {
    const d = await target.make();
    const engine = createAsyncEngine(d.driver);
    const sent: string[] = [];
    event.listen(engine, "beforeCursorExecute", (_c: unknown, _cur: unknown, sql: string) => void sent.push(sql.replace(/\s+/g, " ").trim()));
    const md = new MetaData();
    const name = uniqueName("sa7_tcd");
    const seqName = `${name}_seq`;
    const standalone = new Sequence(`${name}_standalone`, { metadata: md });
    const other = Table(`${name}_other`, md, { id: Column(Integer, { primaryKey: true }) });
    const t = Table(name, md, {
      id: Column(Integer, { primaryKey: true, sequence: new Sequence(seqName) }),
      label: Column(String(20)),
    }, new Index(`ix_${name}_label`, "label"));
    try {
      await engine.begin((c) => t.create(c));
      const ddl = sent.filter((s) => /^(CREATE|DROP)/.test(s));
      expect(ddl.some((s) => s.startsWith(`CREATE TABLE ${name} (`))).toBe(true);
      expect(ddl).toContain(`CREATE INDEX ix_${name}_label ON ${name} (label)`);
      expect(ddl.some((s) => s.includes(other.name) || s.includes(standalone.name))).toBe(false);
      if (target.dialect === "postgresql") expect(ddl[0]).toBe(`CREATE SEQUENCE ${seqName}`);
      await engine.begin(async (c) => {
        await c.execute(insert(t).values({ label: "a" }));
      });
      expect(await engine.connect(async (c) => (await c.execute(select(t.c.label))).scalars().all())).toEqual(["a"]);
      // checkFirst defaults to false: the database refuses a second CREATE TABLE.
      await expect(engine.begin((c) => t.create(c))).rejects.toBeInstanceOf(DBAPIError);
      sent.length = 0;
      await engine.begin((c) => t.create(c, { checkFirst: true }));
      expect(sent.filter((s) => /^CREATE/.test(s))).toEqual([]);
      await engine.begin((c) => t.drop(c));
      const dropped = sent.filter((s) => /^DROP/.test(s));
      expect(dropped[0]).toBe(`DROP TABLE ${name}`);
      expect(dropped.slice(1)).toEqual(target.dialect === "postgresql" ? [`DROP SEQUENCE ${seqName}`] : []);
      await expect(engine.begin((c) => t.drop(c))).rejects.toBeInstanceOf(DBAPIError);
      await engine.begin((c) => t.drop(c, { checkFirst: true }));
    } finally {
      await engine.dispose();
      await d.cleanup();
    }
  });
});
