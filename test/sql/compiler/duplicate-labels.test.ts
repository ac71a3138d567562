/**
 * Duplicate column names in a SELECT list: SQLAlchemy 1.4's "SELECT objects and derived FROM
 * clauses allow for duplicate columns and column labels" with 2.0's default label style,
 * LABEL_STYLE_DISAMBIGUATE_ONLY (test_compiler.py `test_dupe_columns*`,
 * `test_overlapping_labels*`, `test_dupe_cols_hey_we_can_union`, `test_cast`). The first column
 * of a name renders plain, another column of that name `AS <name>_<n>`, the same column repeated
 * `AS <name>__<n>`; explicit labels are never renamed.
 */
import { describe, expect, it } from "vitest";
import {
  Integer, LABEL_STYLE_DISAMBIGUATE_ONLY, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, Numeric, cast, column, func, generateCacheKey, literal,
  select, table, union,
} from "../../../src/index.js";
import { assertCompile, compile, mytable, myothertable, schema } from "./helpers.js";

const t = mytable.c;
const foo = table("foo", column("id"), column("bar_id"));
const fooBar = table("foo_bar", column("id"));
const keys = (stmt: Parameters<typeof compile>[0]) => compile(stmt).resultColumns.map((r) => r.key);

describe("LABEL_STYLE_DISAMBIGUATE_ONLY (the default)", () => {
  it("labels a second column of the same name <name>_1, keeping the first plain", () => {
    const stmt = select(foo.c.id, fooBar.c.id);
    assertCompile(stmt, "SELECT foo.id, foo_bar.id AS id_1 FROM foo, foo_bar");
    expect(keys(stmt)).toEqual(["id", "id_1"]);
    expect(stmt.getLabelStyle()).toBe(LABEL_STYLE_DISAMBIGUATE_ONLY);
  });

  it("selecting two tables with overlapping names labels only the overlap (select(a, b))", () => {
    assertCompile(select(foo, fooBar), "SELECT foo.id, foo.bar_id, foo_bar.id AS id_1 FROM foo, foo_bar");
    const { users, addresses } = schema();
    const stmt = select(users, addresses).join(addresses, undefined);
    assertCompile(
      select(users, addresses).where(users.c.id.eq(addresses.c.user_id)),
      "SELECT users.id, users.name, addresses.id AS id_1, addresses.user_id, addresses.email FROM users, addresses WHERE users.id = addresses.user_id",
    );
    expect(keys(stmt)).toEqual(["id", "name", "id_1", "user_id", "email"]);
  });

  it("labels the same column repeated <name>__<n> (a 'dedupe' label, one per occurrence)", () => {
    assertCompile(select(t.myid, t.myid), "SELECT mytable.myid, mytable.myid AS myid__1 FROM mytable");
    assertCompile(select(t.myid, t.name, t.myid, t.myid), "SELECT mytable.myid, mytable.name, mytable.myid AS myid__1, mytable.myid AS myid__2 FROM mytable");
    expect(keys(select(t.myid, t.myid))).toEqual(["myid", "myid__1"]);
  });

  it("dedupes a relabelled column when it repeats (test_overlapping_labels_plus_dupes)", () => {
    const stmt = select(foo.c.id, fooBar.c.id, fooBar.c.id, foo.c.id, foo.c.bar_id);
    assertCompile(stmt, "SELECT foo.id, foo_bar.id AS id_1, foo_bar.id AS id__1, foo.id AS id__2, foo.bar_id FROM foo, foo_bar");
    expect(keys(stmt)).toEqual(["id", "id_1", "id__1", "id__2", "bar_id"]);
  });

  it("anonymous aliases of one table: users_1.id, users_2.id AS id_1", () => {
    const { users } = schema();
    const [u1, u2] = [users.alias(), users.alias()];
    assertCompile(select(u1.c.id, u2.c.id), "SELECT users_1.id, users_2.id AS id_1 FROM users AS users_1, users AS users_2");
  });

  it("the disambiguating label shares the anonymous-name counter with bind names, as SQLAlchemy's anon map", () => {
    assertCompile(select(foo.c.id, fooBar.c.id).where(foo.c.id.eq(5)), "SELECT foo.id, foo_bar.id AS id_1 FROM foo, foo_bar WHERE foo.id = :id_2", {
      params: { id_2: 5 },
    });
  });

  it("table-less columns render as given, repeated or not (test_dupe_columns)", () => {
    const [a, b] = [column("a"), column("b")];
    assertCompile(select(column("a"), column("a"), column("a")), "SELECT a, a, a");
    assertCompile(select(a, b, b, b, a, a), "SELECT a, b, b, b, a, a");
    const [c1, c2, c3, c4] = [column("c1"), column("c2"), column("c3"), column("c4")];
    assertCompile(select(c1, c2, c3.label("c2"), c2, c4), "SELECT c1, c2, c3 AS c2, c2, c4");
  });

  it("explicit labels are never renamed; a later column of a label's name is", () => {
    const stmt = select(foo.c.id, fooBar.c.id.label("id"));
    assertCompile(stmt, "SELECT foo.id, foo_bar.id AS id FROM foo, foo_bar");
    expect(keys(stmt)).toEqual(["id", "id"]);
    assertCompile(select(t.name.label("x"), t.myid.label("x")), "SELECT mytable.name AS x, mytable.myid AS x FROM mytable");
    const before = select(t.name.label("myid"), t.myid);
    assertCompile(before, "SELECT mytable.name AS myid, mytable.myid AS myid_1 FROM mytable");
    expect(keys(before)).toEqual(["myid", "myid_1"]);
  });

  it("a CAST named after its column takes the dedupe form when the name is taken (test_cast)", () => {
    const casttest = table("casttest", column("id", Integer()), column("v1", Numeric()));
    assertCompile(select(casttest, cast(casttest.c.v1, Numeric())), "SELECT casttest.id, casttest.v1, CAST(casttest.v1 AS NUMERIC) AS v1__1 FROM casttest");
    assertCompile(
      select(cast(t.myid, Integer()), cast(t.myid, Numeric()), t.myid),
      "SELECT CAST(mytable.myid AS INTEGER) AS myid, CAST(mytable.myid AS NUMERIC) AS myid__1, mytable.myid AS myid_1 FROM mytable",
    );
  });

  it("the same anonymous expression repeated gets a dedupe label; distinct ones count on", () => {
    const n = func.count();
    assertCompile(select(n, n), "SELECT count(*) AS count_1, count(*) AS count__1");
    assertCompile(select(func.count(), func.count()), "SELECT count(*) AS count_1, count(*) AS count_2");
    const one = literal(1);
    assertCompile(select(one, one, one), "SELECT :param_1 AS anon_1, :param_1 AS anon__1, :param_1 AS anon__2");
  });

  it("applies in each member of a UNION (test_dupe_cols_hey_we_can_union)", () => {
    const s1 = select(mytable, t.myid).where(t.myid.eq(5));
    const s2 = select(mytable, myothertable.c.otherid).where(t.myid.eq(myothertable.c.otherid));
    assertCompile(
      union(s1, s2),
      "SELECT mytable.myid, mytable.name, mytable.description, mytable.myid AS myid__1 FROM mytable WHERE mytable.myid = :myid_1 " +
        "UNION SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid FROM mytable, myothertable WHERE mytable.myid = myothertable.otherid",
    );
    expect(keys(union(s1, s2))).toEqual(["myid", "name", "description", "myid__1"]);
  });

  it("PostgreSQL and SQLite render the same labels, quoted as their identifiers need", () => {
    const odd = table("Odd", column("Id"));
    const other = table("other", column("Id"));
    assertCompile(select(odd.c.Id, other.c.Id), 'SELECT "Odd"."Id", other."Id" AS "Id_1" FROM "Odd", other', { dialect: "postgresql" });
    assertCompile(select(odd.c.Id, other.c.Id), 'SELECT "Odd"."Id", other."Id" AS "Id_1" FROM "Odd", other', { dialect: "sqlite" });
  });
});

describe("subqueries, CTEs and the other label styles keep their naming", () => {
  it("a subquery exports name, name_1 and its outer SELECT names them so", () => {
    const sq = select(foo.c.id, fooBar.c.id).subquery();
    expect(Object.keys(sq.c)).toEqual(["id", "id_1"]);
    assertCompile(select(sq), "SELECT anon_1.id, anon_1.id_1 FROM (SELECT foo.id AS id, foo_bar.id AS id_1 FROM foo, foo_bar) AS anon_1");
    const cte = select(t.myid, t.myid).cte("c");
    assertCompile(select(cte), "WITH c AS (SELECT mytable.myid AS myid, mytable.myid AS myid__1 FROM mytable) SELECT c.myid, c.myid AS myid_1 FROM c");
  });

  it("a subquery's outer SELECT of two same-named proxies disambiguates them", () => {
    const s1 = select(foo.c.id).subquery("s1");
    const s2 = select(fooBar.c.id).subquery("s2");
    assertCompile(select(s1.c.id, s2.c.id), "SELECT s1.id, s2.id AS id_1 FROM (SELECT foo.id AS id FROM foo) AS s1, (SELECT foo_bar.id AS id FROM foo_bar) AS s2");
  });

  it("LABEL_STYLE_NONE adds no labels at all", () => {
    const stmt = select(foo.c.id, fooBar.c.id, foo.c.id).setLabelStyle(LABEL_STYLE_NONE);
    assertCompile(stmt, "SELECT foo.id, foo_bar.id, foo.id FROM foo, foo_bar");
    expect(keys(stmt)).toEqual(["id", "id", "id"]);
  });

  it("LABEL_STYLE_TABLENAME_PLUS_COL keeps <table>_<column> labels and its own de-duplication", () => {
    assertCompile(
      select(foo.c.id, foo.c.bar_id, fooBar.c.id, foo.c.bar_id).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT foo.id AS foo_id, foo.bar_id AS foo_bar_id, foo_bar.id AS foo_bar_id_1, foo.bar_id AS foo_bar_id__1 FROM foo, foo_bar",
    );
  });

  it("statements labelled differently have different cache keys (a cached compile never relabels another)", () => {
    const a = select(foo.c.id, fooBar.c.id);
    const key = (s: Parameters<typeof generateCacheKey>[0]) => generateCacheKey(s).key;
    expect(key(a)).not.toBe(key(a.setLabelStyle(LABEL_STYLE_NONE)));
    expect(key(a)).not.toBe(key(select(foo.c.id, foo.c.id)));
    expect(key(a)).toBe(key(select(foo.c.id, fooBar.c.id)));
  });
});
