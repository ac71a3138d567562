/**
 * `withPolymorphic()` (SQLAlchemy's `with_polymorphic()`), ported from
 * test/orm/inheritance/test_with_poly.py (_WithPolymorphicBase on the _Polymorphic fixture):
 * the base entity joined to the listed subclasses' tables, subclass attributes through
 * `wp.of(Engineer)` / `wp.Engineer`, the aliased (subquery) form joined to the plain one, and
 * the SQL of both forms. On PostgreSQL and SQLite.
 */
import { describe, expect, it } from "vitest";
import { and, ArgumentError, or, select, UnloadedAttributeError } from "athanor";
import { withPolymorphic } from "../../../src/orm/aliased.js";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { dialectTargets } from "../../fixtures/databases.js";
import { definePolyModels, like, usePolyData } from "./poly-fixtures.js";

const models = definePolyModels("sa5fwp");
const { P, Company, Person, Engineer, Manager, Boss, Machine } = models;
const pg = new PGDialect();
const sql = (stmt: unknown): string => planOrmSelect(stmt as Parameters<typeof planOrmSelect>[0]).stmt.compile({ dialect: pg }).sql.replace(/\s*\n\s*/g, " ");
const PEOPLE = `${P}_people`;
const ENG = `${P}_engineers`;
const MGR = `${P}_managers`;

describe("withPolymorphic() SQL", () => {
  it("non-aliased: the base table LEFT OUTER JOINed to the listed subclass tables only", () => {
    const pa = withPolymorphic(Person, [Engineer]);
    expect(sql(select(pa).where(pa.of(Engineer).primaryLanguage.eq("java")))).toBe(
      `SELECT ${PEOPLE}.person_id, ${PEOPLE}.company_id, ${PEOPLE}.name, ${PEOPLE}.type, ${ENG}.status, ${ENG}.engineer_name, ${ENG}.primary_language ` +
        `FROM ${PEOPLE} LEFT OUTER JOIN ${ENG} ON ${PEOPLE}.person_id = ${ENG}.person_id WHERE ${ENG}.primary_language = $1`,
    );
  });

  it("a subclass below an intermediate class brings the intermediate table (Boss → managers, boss)", () => {
    const pa = withPolymorphic(Person, [Boss]);
    expect(sql(select(pa.personId, pa.of(Boss).golfSwing))).toBe(
      `SELECT ${PEOPLE}.person_id, ${P}_boss.golf_swing FROM ${PEOPLE} LEFT OUTER JOIN ${MGR} ON ${PEOPLE}.person_id = ${MGR}.person_id LEFT OUTER JOIN ${P}_boss ON ${MGR}.person_id = ${P}_boss.boss_id`,
    );
  });

  it("joined from a relationship: the subclass tables follow the statement's join", () => {
    const pa = withPolymorphic(Person, [Manager]);
    expect(sql(select(Company.companyId, pa).join(Company.employees))).toBe(
      `SELECT ${P}_companies.company_id, ${PEOPLE}.person_id, ${PEOPLE}.company_id AS company_id_1, ${PEOPLE}.name, ${PEOPLE}.type, ${MGR}.status, ${MGR}.manager_name ` +
        `FROM ${P}_companies JOIN ${PEOPLE} ON ${P}_companies.company_id = ${PEOPLE}.company_id LEFT OUTER JOIN ${MGR} ON ${PEOPLE}.person_id = ${MGR}.person_id`,
    );
  });

  it("aliased: a subquery of the join, its attributes the subquery's columns", () => {
    const pa = withPolymorphic(Person, [Engineer], { aliased: true });
    expect(sql(select(pa.name, pa.of(Engineer).primaryLanguage))).toBe(
      `SELECT anon_1.${PEOPLE}_name, anon_1.${ENG}_primary_language FROM (SELECT ${PEOPLE}.person_id AS ${PEOPLE}_person_id, ${PEOPLE}.company_id AS ${PEOPLE}_company_id, ` +
        `${PEOPLE}.name AS ${PEOPLE}_name, ${PEOPLE}.type AS ${PEOPLE}_type, ${ENG}.person_id AS ${ENG}_person_id, ${ENG}.status AS ${ENG}_status, ` +
        `${ENG}.engineer_name AS ${ENG}_engineer_name, ${ENG}.primary_language AS ${ENG}_primary_language ` +
        `FROM ${PEOPLE} LEFT OUTER JOIN ${ENG} ON ${PEOPLE}.person_id = ${ENG}.person_id) AS anon_1`,
    );
  });

  it("a class outside the hierarchy is rejected", () => {
    expect(() => withPolymorphic(Person, [Machine])).toThrow(new ArgumentError(`withPolymorphic(Person, …): Machine is not a subclass of Person`));
  });
});

describe.each(dialectTargets())("withPolymorphic() rows (SQLAlchemy test_with_poly.py) on $name", (target) => {
  const db = usePolyData(target, models);

  it("test_join_base_to_sub: one SELECT loads the engineer with its subclass columns", async () => {
    await using s = db.session();
    const pa = withPolymorphic(Person, [Engineer]);
    const rows = (await s.scalars(select(pa).where(pa.of(Engineer).primaryLanguage.eq("java")))).all();
    expect(rows).toHaveLength(1);
    like(rows[0], Engineer, { name: "dilbert", primaryLanguage: "java", engineerName: "dilbert", status: "regular engineer" });
  });

  for (const useStar of [true, false]) {
    it(`test_col_expression_base_plus_two_subs (${useStar ? '"*"' : "[Engineer, Manager]"})`, async () => {
      await using s = db.session();
      const pa = useStar ? withPolymorphic(Person, "*") : withPolymorphic(Person, [Engineer, Manager]);
      const rows = (
        await s.execute(
          select(pa.name, pa.of(Engineer).primaryLanguage, pa.of(Manager).managerName)
            .where(or(pa.of(Engineer).primaryLanguage.eq("java"), pa.of(Manager).managerName.eq("dogbert")))
            .orderBy(pa.of(Engineer).type),
        )
      ).all();
      expect(rows.map((r) => [...r])).toEqual([["dilbert", "java", null], ["dogbert", null, "dogbert"]]);
    });
  }

  it("wp.Engineer names the same attributes as wp.of(Engineer)", () => {
    const pa = withPolymorphic(Person, [Engineer, Manager]);
    expect((pa as unknown as Record<string, unknown>).Engineer).toBe(pa.of(Engineer));
    const pb = withPolymorphic(Person, [Engineer], { aliased: true });
    expect((pb as unknown as Record<string, unknown>).Engineer).toBe(pb.of(Engineer));
  });

  it("test_orm_entity_w_gc: select(withPolymorphic(Person, '*')) returns the five people", async () => {
    await using s = db.session();
    expect((await s.execute(select(withPolymorphic(Person, "*")))).all()).toHaveLength(5);
  });

  it("a subclass not listed loads as its class with its own table's columns unloaded", async () => {
    await using s = db.session();
    const pa = withPolymorphic(Person, [Engineer, Manager]);
    const boss = (await s.scalars(select(pa).where(pa.name.eq("pointy haired boss")))).one();
    like(boss, Boss, { name: "pointy haired boss", managerName: "pointy", status: "da boss" });
    expect(() => (boss as InstanceType<typeof Boss>).golfSwing).toThrow(UnloadedAttributeError);
  });

  it("test_join_to_join_entities: the plain entity joined to its aliased form", async () => {
    await using s = db.session();
    const pa = withPolymorphic(Person, [Engineer]);
    const paAlias = withPolymorphic(Person, [Engineer], { aliased: true });
    const rows = (
      await s.execute(
        select(pa, paAlias)
          .join(
            paAlias,
            or(
              pa.of(Engineer).primaryLanguage.eq(paAlias.of(Engineer).primaryLanguage),
              and(pa.of(Engineer).primaryLanguage.isNull(), paAlias.of(Engineer).primaryLanguage.isNull(), pa.personId.gt(paAlias.personId)),
            ),
          )
          .orderBy(pa.name, paAlias.name),
      )
    ).all();
    expect(rows.map(([p1, p2]) => [p1.name, p1.constructor, p2.name, p2.constructor])).toEqual([
      ["dilbert", Engineer, "dilbert", Engineer],
      ["dogbert", Manager, "pointy haired boss", Boss],
      ["vlad", Engineer, "vlad", Engineer],
      ["wally", Engineer, "wally", Engineer],
    ]);
  });

  it("test_join_to_join_columns", async () => {
    await using s = db.session();
    const pa = withPolymorphic(Person, [Engineer]);
    const paAlias = withPolymorphic(Person, [Engineer], { aliased: true });
    const rows = (
      await s.execute(
        select(pa.name, pa.of(Engineer).primaryLanguage, paAlias.name, paAlias.of(Engineer).primaryLanguage)
          .join(
            paAlias,
            or(
              pa.of(Engineer).primaryLanguage.eq(paAlias.of(Engineer).primaryLanguage),
              and(pa.of(Engineer).primaryLanguage.isNull(), paAlias.of(Engineer).primaryLanguage.isNull(), pa.personId.gt(paAlias.personId)),
            ),
          )
          .orderBy(pa.name, paAlias.name),
      )
    ).all();
    expect(rows.map((r) => [...r])).toEqual([
      ["dilbert", "java", "dilbert", "java"],
      ["dogbert", null, "pointy haired boss", null],
      ["vlad", "cobol", "vlad", "cobol"],
      ["wally", "c++", "wally", "c++"],
    ]);
  });
});
