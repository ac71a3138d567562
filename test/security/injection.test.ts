/**
 * Property-based injection test (issue 2, "Bad input": "Values are always bound parameters, and
 * identifiers are quoted whenever they need to be. A property-based test (fast-check) throws
 * hostile strings at values and identifiers and shows that nothing is injected").
 *
 * Runs against real libSQL (:memory:) and real PostgreSQL (PGlite off CI when the server is
 * down). Every property:
 * - round-trips the hostile strings exactly (what was written is what is read back);
 * - records every SQL string the engine sends to the driver and checks that no hostile value
 *   appears in it (values travel as bound parameters only), and that the SQL text of a
 *   statement does not change with its values;
 * - checks afterwards that a canary table still holds its one row and that no table appeared
 *   or vanished.
 *
 * NUL (U+0000) is left out: PostgreSQL rejects it in text, and libSQL truncates at it. Lone
 * surrogates are left out too: they are not valid Unicode, so no UTF-8 database can store them.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column, createAsyncEngine, delete_, insert, Integer, JSON as JSONT, literal, MetaData, select, String as StringT,
  Table, text, update, type AsyncEngine, type Condition, type Dialect, type Table as TableT,
} from "../../src/index.js";
import { postgresqlDialect } from "../../src/dialects/postgresql/index.js";
import { sqliteDialect } from "../../src/dialects/sqlite/index.js";
import { countingDriver, makeLibsqlDriver, makePgDriver, uniqueName, type CountingDriver, type TestDriver } from "../fixtures/databases.js";

const NUM_RUNS = 60;

// ---------------------------------------------------------------------------------------------
// hostile strings

/** Fragments that break naive string building in SQL, in drivers' placeholder scanners, or in JS. */
const FRAGMENTS = [
  "'", '"', "\\", "`", "--", ";", "/*", "*/", "#", "$1", "$2", "$$", "$tag$", "?", "?1", ":name", ":1", "::text", "@p",
  "%", "%s", "_", "[", "]", "(", ")", ",", ".", "\n", "\r\n", "\t", " ", "\u000b", "\u001a", "\b",
  "'; DROP TABLE canary; --", '"; DROP TABLE canary; --', "' OR '1'='1", '" OR "1"="1', "') OR ('a'='a",
  "E'\\''", "\\'", "''", '""', "\\\\", "1; SELECT 1", "UNION SELECT", "NULL", "null", "select", "TABLE",
  "é", "ß", "İ", "ﬁ", "😀", "👨‍👩‍👧", "\u202e", "\u2028", "\u00a0", "\ufeff", "\u200b", "漢字", "ʼ", "＇", "＂",
  "__proto__", "constructor", "toString", "length", "_mapping", "keys", "hasOwnProperty",
];

/** A well-formed Unicode string without NUL (see the module comment). */
function storable(s: string): boolean {
  return !s.includes("\u0000") && !/\p{Surrogate}/u.test(s);
}

/** Hostile strings: hostile fragments mixed with arbitrary code points, or plain arbitrary strings. */
const hostile: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 6 }).map((a) => a.join("")) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
    { weight: 1, arbitrary: fc.constantFrom(...FRAGMENTS) },
  )
  .filter(storable);

const utf8 = new TextEncoder();

/** Names PostgreSQL keeps for system columns (creating one fails, which is not an injection). */
const PG_SYSTEM_COLUMNS = new Set(["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid", "oid"]);

/**
 * Hostile identifiers: non-empty (both databases reject `""`), at most 40 UTF-8 bytes (PostgreSQL
 * truncates names beyond 63 bytes and the tests add a prefix of up to 20), and never `id`, which
 * every test table already has.
 */
const hostileIdent: fc.Arbitrary<string> = hostile.filter(
  (s) =>
    s.length > 0 &&
    utf8.encode(s).length <= 40 &&
    !PG_SYSTEM_COLUMNS.has(s) &&
    s.toLowerCase() !== "id" &&
    // U+0001 / U+0002 in identifiers break the compiler today (see the regression tests below);
    // kept out of the random property so that it stays deterministic.
    !/[\u0001\u0002]/.test(s),
);

/**
 * Distinct hostile column names. SQLite compares column names case-insensitively (ASCII), so the
 * names are distinct after lower-casing.
 */
const hostileColumns = fc.uniqueArray(hostileIdent, { minLength: 1, maxLength: 3, selector: (s) => s.toLowerCase() });

/** Wrap a value in markers that never occur in generated SQL, so "the SQL contains it" is meaningful. */
const mark = (h: string): string => `«${h}»`;

// ---------------------------------------------------------------------------------------------
// databases

interface Target {
  readonly name: string;
  readonly dialect: Dialect;
  make(): Promise<TestDriver>;
}

const targets: Target[] = [
  { name: "sqlite (libSQL :memory:)", dialect: sqliteDialect, make: () => makeLibsqlDriver("memory") },
  {
    name: "postgresql",
    dialect: postgresqlDialect,
    async make() {
      const driver = await makePgDriver();
      return { driver, cleanup: () => driver.dispose() };
    },
  },
];

/**
 * PGlite decodes text with a BOM-stripping TextDecoder, so a text value that starts with U+FEFF
 * comes back without it (a PGlite limitation; a real PostgreSQL server keeps it). Such values
 * are skipped there (`fc.pre`), and only there.
 */
function dropsLeadingBom(driver: { readonly name: string }): boolean {
  return driver.name === "pglite";
}

/** SQLite's LIKE folds ASCII letters only; PostgreSQL's LIKE is case-sensitive. */
function likeFold(dialect: Dialect, s: string): string {
  return dialect.name === "sqlite" ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s;
}

describe.each(targets)("hostile strings on $name", (target) => {
  const prefix = uniqueName("sec");
  const canaryName = `${prefix}_canary`;
  const valuesName = `${prefix}_values`;
  let td: TestDriver;
  let driver: CountingDriver;
  let engine: AsyncEngine;
  const md = new MetaData();
  const canary = Table(canaryName, md, {
    id: Column(Integer, { primaryKey: true }),
    note: Column(StringT, { nullable: false }),
  });
  const vals = Table(valuesName, md, {
    id: Column(Integer, { primaryKey: true }),
    s: Column(StringT),
    doc: Column(JSONT<{ k: string; list: string[] }>()),
  });
  let tablesBefore: string[] = [];

  /** Our tables (by prefix) as the database lists them. */
  async function ourTables(): Promise<string[]> {
    const sql =
      target.dialect.name === "postgresql"
        ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND starts_with(table_name, :p)"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(:p)) = :p";
    const r = await engine.connect((conn) => conn.execute(text(sql).bindparams({ p: prefix })));
    return (r.scalars().all() as string[]).sort();
  }

  /** The canary is untouched and no table of ours appeared or vanished. */
  async function assertNothingInjected(): Promise<void> {
    const rows = await engine.connect(async (conn) => (await conn.execute(select(canary.c.id, canary.c.note))).all());
    expect(rows.map((r) => r._tuple())).toEqual([[1, "alive"]]);
    expect(await ourTables()).toEqual(tablesBefore);
  }

  /** No SQL sent since `from` contains any of `values`. */
  function assertNotInSql(from: number, values: readonly string[]): void {
    for (const sql of driver.statements.slice(from)) {
      for (const v of values) expect(sql.includes(v), `value ${JSON.stringify(v)} appeared in SQL: ${sql}`).toBe(false);
    }
  }

  beforeAll(async () => {
    td = await target.make();
    driver = countingDriver(td.driver);
    engine = createAsyncEngine(driver);
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(canary).values({ id: 1, note: "alive" }));
    });
    tablesBefore = await ourTables();
    expect(tablesBefore).toEqual([canaryName, valuesName].sort());
  });

  afterAll(async () => {
    if (engine) {
      await engine.begin((conn) => md.dropAll(conn)).catch(() => {});
      await engine.dispose();
    }
    await td?.cleanup();
  });

  it("binds hostile values in INSERT, WHERE, UPDATE, IN, LIKE and JSON and reads them back exactly", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, fc.array(hostile, { maxLength: 4 }), async (h1, h2, list) => {
        fc.pre(!(dropsLeadingBom(driver) && h1.startsWith("\ufeff")));
        const v1 = mark(h1);
        const v2 = mark(h2);
        const from = driver.statements.length;
        await engine.begin(async (conn) => {
          await conn.execute(delete_(vals));
          // single-row INSERT with RETURNING, executemany INSERT, and a raw (unmarked) value
          const ins = await conn.execute(
            insert(vals).values({ id: 1, s: v1, doc: { k: v1, list: [v2, ...list.map(mark)] } }).returning(vals.c.s, vals.c.doc),
          );
          expect(ins.one()._tuple()).toEqual([v1, { k: v1, list: [v2, ...list.map(mark)] }]);
          await conn.execute(insert(vals), [
            { id: 2, s: v2, doc: null },
            { id: 3, s: h1, doc: { k: h2, list } },
          ]);

          // equality in WHERE
          expect((await conn.execute(select(vals.c.id).where(vals.c.s.eq(v1)).orderBy(vals.c.id))).scalars().all()).toEqual(
            v1 === v2 ? [1, 2] : [1],
          );
          expect((await conn.execute(select(vals.c.s, vals.c.doc).where(vals.c.id.eq(3)))).one()._tuple()).toEqual([
            h1,
            { k: h2, list },
          ]);

          // expanding IN / NOT IN with hostile members
          const inList = [v2, ...list.map(mark)];
          const expectIn = [1, 2, 3].filter((id) => inList.includes(id === 1 ? v1 : id === 2 ? v2 : h1));
          expect((await conn.execute(select(vals.c.id).where(vals.c.s.in(inList)).orderBy(vals.c.id))).scalars().all()).toEqual(
            expectIn,
          );
          expect(
            (await conn.execute(select(vals.c.id).where(vals.c.s.notIn(inList)).orderBy(vals.c.id))).scalars().all(),
          ).toEqual([1, 2, 3].filter((id) => !expectIn.includes(id)));

          // LIKE family with autoescape: the hostile text is matched literally
          const stored = [
            [1, v1],
            [2, v2],
            [3, h1],
          ] as const;
          const f = (s: string) => likeFold(target.dialect, s);
          const ids = async (cond: Condition) =>
            (await conn.execute(select(vals.c.id).where(cond).orderBy(vals.c.id))).scalars().all();
          expect(await ids(vals.c.s.contains(h2, { autoescape: true }))).toEqual(
            stored.filter(([, s]) => f(s).includes(f(h2))).map(([id]) => id),
          );
          expect(await ids(vals.c.s.startsWith(v2, { autoescape: true }))).toEqual(
            stored.filter(([, s]) => f(s).startsWith(f(v2))).map(([id]) => id),
          );
          expect(await ids(vals.c.s.endsWith(h1, { autoescape: true }))).toEqual(
            stored.filter(([, s]) => f(s).endsWith(f(h1))).map(([id]) => id),
          );

          // UPDATE: hostile value in SET and in WHERE
          const up = await conn.execute(update(vals).where(vals.c.s.eq(v1)).where(vals.c.id.eq(1)).values({ s: v2 }).returning(vals.c.s));
          expect(up.scalars().all()).toEqual([v2]);

          // a hostile literal() in the SELECT list and a hostile text() bind
          expect(await conn.scalar(select(literal(v1, StringT()).label("x")))).toBe(v1);
          expect(
            (await conn.execute(text("SELECT CAST(:p AS TEXT) AS x, CAST(:q AS INTEGER) AS y").bindparams({ p: v2, q: 7 }))).one()._tuple(),
          ).toEqual([v2, 7]);
        });
        assertNotInSql(from, [v1, v2, ...list.map(mark)]);
      }),
      { numRuns: NUM_RUNS },
    );
    await assertNothingInjected();
  });

  it("compiles the same SQL text whatever the bound values are", () => {
    fc.assert(
      fc.property(hostile, fc.array(hostile, { minLength: 1, maxLength: 3 }), (h, list) => {
        const build = (a: string, b: readonly string[]) =>
          select(vals.c.id, literal(a, StringT()).label("lit"))
            .where(vals.c.s.eq(a), vals.c.s.in(b), vals.c.s.contains(a, { autoescape: true }))
            .compile({ dialect: target.dialect });
        const hostileSql = build(mark(h), list.map(mark));
        const benign = build("x", list.map(() => "y"));
        expect(hostileSql.sql).toBe(benign.sql);
        expect(hostileSql.sql).not.toContain(mark(h));
        expect(Object.values(hostileSql.params)).toContain(mark(h));
      }),
      { numRuns: NUM_RUNS * 3 },
    );
  });

  it("renders hostile values safely with literalBinds (inline string literals)", async () => {
    const conn = await driver.connect();
    try {
      await fc.assert(
        fc.asyncProperty(hostile, async (h) => {
          fc.pre(!(dropsLeadingBom(driver) && h.startsWith("\ufeff")));
          const compiled = select(literal(h, StringT()).label("x")).compile({ dialect: target.dialect, literalBinds: true });
          expect(Object.keys(compiled.params)).toEqual([]);
          // Sent as-is to the driver: only correct quoting keeps it one statement with one value.
          const r = await conn.execute({ sql: compiled.sql, params: [] });
          expect(r.rows).toEqual([[h]]);
        }),
        { numRuns: NUM_RUNS },
      );
    } finally {
      await conn.release();
    }
    await assertNothingInjected();
  });

  it("quotes hostile table names, column names, labels and aliases", async () => {
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(hostileIdent, hostileColumns, hostileIdent, hostileIdent, hostile, async (tname, cols, label, alias, h) => {
        const tableName = `${prefix}_t${++seq}_${tname}`;
        const tmd = new MetaData();
        // fromEntries: a key "__proto__" becomes a real column, not the object's prototype.
        const t = Table(
          tableName,
          tmd,
          Object.fromEntries([["id", Column(Integer, { primaryKey: true })], ...cols.map((c) => [c, Column(StringT)])]),
        ) as TableT;
        const rowValues = (id: number) => Object.fromEntries(cols.map((c, i) => [c, mark(`${h}|${id}|${i}`)]));
        const expectedRow = (id: number) => cols.map((_c, i) => mark(`${h}|${id}|${i}`));
        const from = driver.statements.length;
        await engine.begin(async (conn) => {
          await tmd.createAll(conn);
          expect(await conn.hasTable(tableName)).toBe(true);

          await conn.execute(insert(t).values({ id: 1, ...rowValues(1) }));
          await conn.execute(insert(t), [{ id: 2, ...rowValues(2) }, { id: 3, ...rowValues(3) }]);

          const first = cols[0];
          const all = await conn.execute(select(...cols.map((c) => t.c[c])).orderBy(t.c.id));
          expect(all.keys()).toEqual(cols);
          expect(all.all().map((r) => r._tuple())).toEqual([expectedRow(1), expectedRow(2), expectedRow(3)]);

          // WHERE on a hostile column, SELECT under a hostile label
          const labelled = await conn.execute(select(t.c[first].label(label)).where(t.c[first].eq(mark(`${h}|2|0`))));
          expect(labelled.keys()).toEqual([label]);
          expect(labelled.all().map((r) => r._tuple())).toEqual([[mark(`${h}|2|0`)]]);

          // a hostile table alias and a hostile subquery name
          const a = t.alias(alias);
          const viaAlias = await conn.execute(select(a.c.id, a.c[first]).where(a.c.id.eq(3)));
          expect(viaAlias.one()._tuple()).toEqual([3, mark(`${h}|3|0`)]);
          const sq = select(t.c.id, t.c[first].label(label)).where(t.c.id.le(2)).subquery(alias);
          const viaSub = await conn.execute(select(sq.c[label]).orderBy(sq.c.id));
          expect(viaSub.scalars().all()).toEqual([mark(`${h}|1|0`), mark(`${h}|2|0`)]);

          // UPDATE … SET on hostile columns, RETURNING them, then DELETE
          const newValues = Object.fromEntries(cols.map((c, i) => [c, mark(`${h}|new|${i}`)]));
          const up = await conn.execute(update(t).where(t.c.id.eq(2)).values(newValues).returning(...cols.map((c) => t.c[c])));
          expect(up.one()._tuple()).toEqual(cols.map((_c, i) => mark(`${h}|new|${i}`)));
          await conn.execute(delete_(t).where(t.c[first].eq(mark(`${h}|new|0`))));
          expect((await conn.execute(select(t.c.id).orderBy(t.c.id))).scalars().all()).toEqual([1, 3]);

          await tmd.dropAll(conn);
          expect(await conn.hasTable(tableName)).toBe(false);
        });
        assertNotInSql(from, [1, 2, 3, "new"].flatMap((id) => cols.map((_c, i) => mark(`${h}|${id}|${i}`))));
        await assertNothingInjected();
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe.each(targets)("regressions: control characters in identifiers on $name", (target) => {
  const prefix = uniqueName("secr");
  let td: TestDriver;
  let engine: AsyncEngine;

  beforeAll(async () => {
    td = await target.make();
    engine = createAsyncEngine(td.driver);
  });
  afterAll(async () => {
    await engine?.dispose();
    await td?.cleanup();
  });

  // The compiler marks the repeated VALUES group of an executemany INSERT with U+0001 / U+0002;
  // an identifier containing one of them must not be mistaken for the marker.
  it.each(["\u0001", "\u0002", "a\u0001b\u0002c"])("executemany INSERT into a column named %j", async (name) => {
    const md = new MetaData();
    const t = Table(uniqueName(`${prefix}_im`), md, { id: Column(Integer, { primaryKey: true }), [name]: Column(StringT) }) as TableT;
    // One transaction: on failure it rolls back, CREATE TABLE included (DDL is transactional on both).
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(t), [
        { id: 1, [name]: "one" },
        { id: 2, [name]: "two" },
      ]);
      const rows = await conn.execute(select(t.c.id, t.c[name]).orderBy(t.c.id));
      expect(rows.all().map((r) => r._tuple())).toEqual([
        [1, "one"],
        [2, "two"],
      ]);
      await md.dropAll(conn);
    });
  });

  // Cache keys are built by joining parts with U+0001, so a label containing U+0001 can give a
  // structurally different statement the same key, and the engine would then run the other
  // statement's cached SQL.
  it("does not serve one statement's cached SQL for another whose label contains U+0001", async () => {
    const md = new MetaData();
    const t = Table(uniqueName(`${prefix}_ck`), md, { id: Column(Integer, { primaryKey: true }) });
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(t).values({ id: 1 }));
      const nested = await conn.execute(select(t.c.id.label("p").label("q")));
      expect(nested.keys()).toEqual(["q"]);
      const hostileLabel = "q\u0001lbl\u0001p";
      const flat = await conn.execute(select(t.c.id.label(hostileLabel)));
      expect(flat.keys()).toEqual([hostileLabel]);
      await md.dropAll(conn);
    });
  });
});
