/**
 * SQLAlchemy's test_of_type.py test_join_explicit_wpoly_noalias: a non-aliased
 * withPolymorphic(Job, [SubJob]) given to `ofType()` or as the target of `join(target, rel)`
 * joins its outer join as a unit, `JOIN (job LEFT OUTER JOIN subjob ON …) ON …`. Exact SQL and
 * rows on PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeclarativeBase, ForeignKey, insert, Integer, mappedColumn, relationship, select, String, withPolymorphic } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";

const p = uniqueName("sa6h_wp");
const t = (n: string): string => `${p}_${n}`;
const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");

class Base extends DeclarativeBase {}
class DataContainer extends Base.model(t("data_container"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  label: mappedColumn(String(10), { name: "name" }),
}) {
  static jobs = relationship(() => Job, { orderBy: () => Job.id });
  declare jobs: Job[];
}
class Job extends Base.model(t("job"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  containerId: mappedColumn(ForeignKey(`${t("data_container")}.id`), { name: "container_id" }),
  type: mappedColumn(String(10)),
}, { polymorphicOn: "type", polymorphicIdentity: "job" }) {}
class SubJob extends Job.subclass({
  id: mappedColumn(ForeignKey(`${t("job")}.id`), { primaryKey: true }),
  attr: mappedColumn(String(10)),
}, { table: t("subjob"), polymorphicIdentity: "subjob" }) {}
void SubJob.id;

describe.each(dialectTargets())("ofType(withPolymorphic()) without alias on $name", (target) => {
  let db: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const D = t("data_container");
  const J = t("job");
  const S = t("subjob");
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (c) => {
      await c.execute(insert(DataContainer.__table__), [{ id: 1, label: "d1" }, { id: 2, label: "d2" }, { id: 3, label: "d3" }]);
      await c.execute(insert(Job.__table__), [
        { id: 1, containerId: 1, type: "job" }, { id: 2, containerId: 1, type: "subjob" }, { id: 3, containerId: 2, type: "job" },
      ]);
      await c.execute(insert(SubJob.__table__), [{ id: 2, attr: "x" }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_join_explicit_wpoly_noalias: join(JobP, DataContainer.jobs) and join(DataContainer.jobs.ofType(JobP))", async () => {
    const JobP = withPolymorphic(Job, [SubJob]);
    await using s = db.session();
    const expected = `SELECT ${D}.id, ${D}.name FROM ${D} JOIN (${J} LEFT OUTER JOIN ${S} ON ${J}.id = ${S}.id) ON ${D}.id = ${J}.container_id`;
    for (const stmt of [select(DataContainer).join(JobP, DataContainer.jobs), select(DataContainer).join(DataContainer.jobs.ofType(JobP))]) {
      db.counting.reset();
      const rows = (await s.scalars(stmt.orderBy(DataContainer.id))).all();
      expect(rows.map((d) => d.label)).toEqual(["d1", "d1", "d2"]);
      expect(db.selects().map(fold)).toEqual([`${expected} ORDER BY ${D}.id`]);
    }
  });

  it("criteria on the subclass's columns read the joined subclass table", async () => {
    const JobP = withPolymorphic(Job, [SubJob]);
    await using s = db.session();
    db.counting.reset();
    const stmt = select(DataContainer.label).join(DataContainer.jobs.ofType(JobP)).where(JobP.of(SubJob).attr.eq("x"));
    expect((await s.scalars(stmt)).all()).toEqual(["d1"]);
    expect(db.selects().map(fold)).toEqual([
      `SELECT ${D}.name FROM ${D} JOIN (${J} LEFT OUTER JOIN ${S} ON ${J}.id = ${S}.id) ON ${D}.id = ${J}.container_id WHERE ${S}.attr = ${ph(1)}`,
    ]);
  });
});
