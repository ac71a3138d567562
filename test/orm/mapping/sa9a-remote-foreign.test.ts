/**
 * `remote()` / `foreign()` annotations in an explicit primaryjoin, ported from SQLAlchemy's
 * test/orm/test_relationships.py and test/orm/test_rel_fn.py:
 * AmbiguousFKResolutionTest.test_with_annotated_pj_o2m, CompositeSelfRefFKTest.test_annotated /
 * test_annotated_no_overwriting, DirectSelfRefFKTest, RemoteForeignBetweenColsTest, ExplicitLocalRemoteTest
 * (test_onetomany_funcfk_annotated, and the annotated forms of test_manytoone_funcfk /
 * test_onetomany_func_referent / test_manytoone_func_referent), CustomOperatorTest.test_join_on_custom_bool_op,
 * ColumnCollectionsTest / DirectionTest (o2m / m2o / self-referential directions and pairs),
 * plus non-FK joins ("foreign() where the schema has no ForeignKey") through flush and loads.
 * Configuration cases run without a database; round trips on PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  aliased, and, ArgumentError, Column, DeclarativeBase, ForeignKey, ForeignKeyConstraint, func, InvalidRequestError, Integer, joinedload, mappedColumn, relationship,
  remote, foreign, select, selectinload, String, Table, warnings, type ColumnElement,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";

const fresh = () => {
  class B extends DeclarativeBase {}
  return B;
};
/** Column pairs as "table.column" text. */
const pairs = (ps: readonly (readonly [{ describe(): string }, { describe(): string }])[]): string[][] =>
  ps.map((pair) => pair.map((c) => c.describe().replace(/^column '(.*)'$/, "$1")));
const names = (cols: ReadonlySet<{ name: string }>): string[] => [...cols].map((c) => c.name).sort();
const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");

describe("remote() / foreign() configuration", () => {
  it("render as the expression they mark; remote(foreign(x)) carries both marks", () => {
    const Base = fresh();
    const a = uniqueName("sa9a_r_a");
    class A extends Base.model(a, { id: mappedColumn(Integer, { primaryKey: true }), foo: mappedColumn(String(50), { nullable: true }) }) {}
    expect(select(A.id).where(foreign(A.foo).eq("x")).toString().replace(/\s*\n\s*/g, " ")).toBe(`SELECT ${a}.id FROM ${a} WHERE ${a}.foo = :foo_1`);
    expect(select(A.id).where(remote(foreign(A.id)).gt(remote(A.id))).toString().replace(/\s*\n\s*/g, " ")).toBe(`SELECT ${a}.id FROM ${a} WHERE ${a}.id > ${a}.id`);
    // An expression marked inside another groups as it would unmarked.
    expect(A.id.mul(foreign(A.id.add(1))).eq(6).toString()).toBe(`${a}.id * (${a}.id + :id_1) = :param_1`);
    // Typed as the expression they mark.
    expectTypeOf(remote(A.id)).toEqualTypeOf<ColumnElement<number, string>>();
    expectTypeOf(foreign(A.foo)).toEqualTypeOf<ColumnElement<string | null, string>>();
    const both = remote(foreign(A.id)) as unknown as { remote: boolean; foreign: boolean };
    expect([both.remote, both.foreign]).toEqual([true, true]);
    expect(() => remote("id" as never)).toThrow(ArgumentError);
  });

  it("AmbiguousFKResolutionTest.test_with_annotated_pj_o2m: foreign() picks one of two foreign keys", () => {
    const Base = fresh();
    const a = uniqueName("sa9a_amb_a");
    const b = uniqueName("sa9a_amb_b");
    class A extends Base.model(a, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static bs = relationship(() => B, { primaryjoin: () => A.id.eq(foreign(B.aid1)) });
    }
    class B extends Base.model(b, {
      id: mappedColumn(Integer, { primaryKey: true }),
      aid1: mappedColumn(ForeignKey(`${a}.id`), { name: "aid_1", nullable: true }),
      aid2: mappedColumn(ForeignKey(`${a}.id`), { name: "aid_2", nullable: true }),
    }) {}
    void [A.id, B.id];
    Base.registry.configure();
    const p = A.bs.property;
    // The condition the relationship keeps has no marks left (SQLAlchemy compares it with a.id == b.aid_1).
    expect(p.primaryjoin.toString()).toBe(`${a}.id = ${b}.aid_1`);
    expect(p.direction).toBe("ONETOMANY");
    expect(pairs(p.syncPairs)).toEqual([[`${a}.id`, `${b}.aid_1`]]);
    expect(names(p.remoteSide)).toEqual(["aid_1"]);
  });

  it("ColumnCollectionsTest / DirectionTest: non-FK joins take their direction from foreign()", () => {
    const Base = fresh();
    const l = uniqueName("sa9a_nfk_l");
    const r = uniqueName("sa9a_nfk_r");
    class Lft extends Base.model(l, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static rgts = relationship(() => Rgt, { primaryjoin: () => Lft.id.eq(foreign(Rgt.lid)) });
    }
    class Rgt extends Base.model(r, { id: mappedColumn(Integer, { primaryKey: true }), lid: mappedColumn(Integer, { nullable: true }) }) {
      static lft = relationship(() => Lft, { primaryjoin: () => foreign(Rgt.lid).eq(Lft.id) });
    }
    Base.registry.configure();
    const o2m = Lft.rgts.property;
    const m2o = Rgt.lft.property;
    expect([o2m.direction, m2o.direction]).toEqual(["ONETOMANY", "MANYTOONE"]);
    expect(pairs(o2m.localRemotePairs)).toEqual([[`${l}.id`, `${r}.lid`]]);
    expect(pairs(m2o.localRemotePairs)).toEqual([[`${r}.lid`, `${l}.id`]]);
    expect(names(o2m.remoteSide)).toEqual(["lid"]);
    expect(names(m2o.remoteSide)).toEqual(["id"]);
    expect(pairs(m2o.syncPairs)).toEqual([[`${r}.lid`, `${l}.id`]]);
    expect(m2o.useGet).toBe(true);
    expect(select(Lft.id).join(Lft.rgts).toString().replace(/\s*\n\s*/g, " ")).toBe(`SELECT ${l}.id FROM ${l} JOIN ${r} ON ${l}.id = ${r}.lid`);
  });

  it("test_determine_direction_o2m_selfref / m2o_selfref: remote() says which side is the parent", () => {
    const Base = fresh();
    const n = uniqueName("sa9a_sr_node");
    class Node extends Base.model(n, { id: mappedColumn(Integer, { primaryKey: true }), pid: mappedColumn(ForeignKey(`${n}.id`), { nullable: true }) }) {
      static children = relationship(() => Node, { primaryjoin: () => Node.id.eq(remote(Node.pid)) });
      static parent = relationship(() => Node, { primaryjoin: () => remote(Node.id).eq(Node.pid) });
    }
    Base.registry.configure();
    expect([Node.children.property.direction, Node.parent.property.direction]).toEqual(["ONETOMANY", "MANYTOONE"]);
    expect(names(Node.children.property.remoteSide)).toEqual(["pid"]);
    expect(names(Node.parent.property.remoteSide)).toEqual(["id"]);
    expect(pairs(Node.parent.property.localRemotePairs)).toEqual([[`${n}.pid`, `${n}.id`]]);
    expect(pairs(Node.children.property.syncPairs)).toEqual([[`${n}.id`, `${n}.pid`]]);
  });

  it("remote() marks replace remoteSide, foreign() marks replace foreignKeys", () => {
    const Base = fresh();
    const n = uniqueName("sa9a_ovr_node");
    class Node extends Base.model(n, { id: mappedColumn(Integer, { primaryKey: true }), pid: mappedColumn(Integer, { nullable: true }), other: mappedColumn(Integer, { nullable: true }) }) {
      // remoteSide / foreignKeys say the opposite; the marks win, as in SQLAlchemy.
      static parent = relationship(() => Node, {
        primaryjoin: () => remote(Node.id).eq(foreign(Node.pid)),
        remoteSide: () => Node.pid,
        foreignKeys: () => [Node.other],
      });
    }
    Base.registry.configure();
    const p = Node.parent.property;
    expect(p.direction).toBe("MANYTOONE");
    expect(pairs(p.syncPairs)).toEqual([[`${n}.pid`, `${n}.id`]]);
  });

  const compoundFixture = (marks: "foreign" | "remote_foreign" | "none") => {
    const Base = fresh();
    const l = uniqueName("sa9a_cx_lft");
    const r = uniqueName("sa9a_cx_rgt");
    class Lft extends Base.model(l, { id: mappedColumn(Integer, { primaryKey: true }), x: mappedColumn(Integer), y: mappedColumn(Integer) }) {
      static rgts = relationship(() => Rgt, {
        primaryjoin: () => {
          const product = Rgt.x.mul(Rgt.y);
          return Lft.x.add(Lft.y).eq(marks === "foreign" ? foreign(product) : marks === "remote_foreign" ? remote(foreign(product)) : product);
        },
        viewonly: true,
      });
    }
    class Rgt extends Base.model(r, { id: mappedColumn(Integer, { primaryKey: true }), x: mappedColumn(Integer), y: mappedColumn(Integer) }) {}
    void [Lft.id, Rgt.id];
    return { Base, Lft, l, r };
  };
  for (const marks of ["foreign", "remote_foreign"] as const) {
    it(`test_rel_fn test_determine_local_remote_compound / direction_compound (${marks}): every column pair of the two sides`, () => {
      const { Base, Lft, l, r } = compoundFixture(marks);
      Base.registry.configure();
      const p = Lft.rgts.property;
      expect(p.direction).toBe("ONETOMANY");
      expect(pairs(p.localRemotePairs)).toEqual([[`${l}.x`, `${r}.x`], [`${l}.x`, `${r}.y`], [`${l}.y`, `${r}.x`], [`${l}.y`, `${r}.y`]]);
      expect(names(p.remoteSide)).toEqual(["x", "y"]);
      expect(p.primaryjoin.toString()).toBe(`${l}.x + ${l}.y = ${r}.x * ${r}.y`);
    });
  }
  it("test_err_local_remote_compound_1: without marks no foreign column is found", () => {
    const { Base, l, r } = compoundFixture("none");
    expect(() => Base.registry.configure()).toThrow(
      `Could not locate any relevant foreign key columns for primary join condition '${l}.x + ${l}.y = ${r}.x * ${r}.y' on relationship Lft.rgts.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or are annotated in the join condition with the foreign() annotation.`,
    );
  });

  for (const [variant, dir] of [["o2m", "ONETOMANY"], ["m2o", "MANYTOONE"]] as const) {
    it(`test_rel_fn test_determine_direction_purely_single_${variant}: one column, told apart by its marks`, () => {
      const Base = fresh();
      const ps = uniqueName("sa9a_psc");
      class P extends Base.model(ps, { path: mappedColumn(String(100), { primaryKey: true }) }) {
        static rel = relationship(() => P, {
          primaryjoin: () => (variant === "o2m" ? P.path.like(remote(foreign(P.path.concat("%")))) : remote(P.path).like(foreign(P.path.concat("%")))),
          viewonly: true,
        });
      }
      void P.path;
      Base.registry.configure();
      expect(P.rel.property.direction).toBe(dir);
      expect(pairs(P.rel.property.localRemotePairs)).toEqual([[`${ps}.path`, `${ps}.path`]]);
    });
  }

  it("CustomOperatorTest.test_join_on_custom_bool_op: a viewonly join on a custom operator", () => {
    const Base = fresh();
    const a = uniqueName("sa9a_op_a");
    const b = uniqueName("sa9a_op_b");
    class A extends Base.model(a, { id: mappedColumn(Integer, { primaryKey: true }), foo: mappedColumn(String(50), { nullable: true }) }) {
      static bs = relationship(() => B, { primaryjoin: () => A.foo.boolOp("&*")(foreign(B.foo)), viewonly: true });
    }
    class B extends Base.model(b, { id: mappedColumn(Integer, { primaryKey: true }), foo: mappedColumn(String(50), { nullable: true }) }) {}
    void B;
    expect(select(A).join(A.bs).toString().replace(/\s*\n\s*/g, " ")).toBe(`SELECT ${a}.id, ${a}.foo FROM ${a} JOIN ${b} ON ${a}.foo &* ${b}.foo`);
    expect(A.bs.property.direction).toBe("ONETOMANY");
  });

  it("foreign() on a many-to-many secondaryjoin over an association table without foreign keys", () => {
    const Base = fresh();
    const l = uniqueName("sa9a_m2m_l");
    const r = uniqueName("sa9a_m2m_r");
    const assoc = Table(uniqueName("sa9a_m2m_assoc"), Base.metadata, { lid: Column(Integer), rid: Column(Integer) });
    class L extends Base.model(l, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static rs = relationship(() => R, {
        secondary: assoc,
        primaryjoin: () => L.id.eq(foreign(assoc.c.lid)),
        secondaryjoin: () => R.id.eq(foreign(assoc.c.rid)),
      });
    }
    class R extends Base.model(r, { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    void [L.id, R.id];
    Base.registry.configure();
    const p = L.rs.property;
    expect(p.direction).toBe("MANYTOMANY");
    expect(pairs(p.localRemotePairs)).toEqual([[`${l}.id`, `${assoc.name}.lid`], [`${r}.id`, `${assoc.name}.rid`]]);
    expect(p.primaryjoin.toString()).toBe(`${l}.id = ${assoc.name}.lid`);
  });

  for (const annoType of ["annotation", "local_remote"] as const) {
    for (const useColFrom of ["orm_col", "core_col"] as const) {
      it(`JoinConditionErrorTest.test_no_remote_on_local_only_cols (${annoType}, ${useColFrom}): warns`, () => {
        const Base = fresh();
        const a = uniqueName("sa9a_nr_a");
        const b = uniqueName("sa9a_nr_b");
        class A extends Base.model(a, { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(30), { nullable: true }) }) {
          static bs = relationship(() => B, annoType === "annotation"
            ? { primaryjoin: () => (useColFrom === "core_col" ? remote(A.__table__.c.id) : remote(A.id)).eq(B.aId) }
            : { remoteSide: () => (useColFrom === "core_col" ? A.__table__.c.id : A.id) });
        }
        class B extends Base.model(b, { id: mappedColumn(Integer, { primaryKey: true }), aId: mappedColumn(ForeignKey(`${a}.id`), { name: "a_id", nullable: true }) }) {}
        void [A.id, B.id];
        const caught = warnings.catch(() => Base.registry.configure());
        expect(caught.map((w) => w.message)).toEqual([
          `Expression ${a}.id is marked as 'remote', but these column(s) are local to the local side.  The remote() annotation is needed only for a self-referential relationship where both sides of the relationship refer to the same tables.`,
        ]);
      });
    }
  }

  it("without foreign() a join on columns without foreign keys still fails with SQLAlchemy's message", () => {
    const Base = fresh();
    const l = uniqueName("sa9a_err_l");
    const r = uniqueName("sa9a_err_r");
    class Lft extends Base.model(l, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static rgts = relationship(() => Rgt, { primaryjoin: () => Lft.id.eq(remote(Rgt.lid)) });
    }
    class Rgt extends Base.model(r, { id: mappedColumn(Integer, { primaryKey: true }), lid: mappedColumn(Integer, { nullable: true }) }) {}
    void [Lft.id, Rgt.id];
    expect(() => Base.registry.configure()).toThrow(
      `Could not locate any relevant foreign key columns for primary join condition '${l}.id = ${r}.lid' on relationship Lft.rgts.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or are annotated in the join condition with the foreign() annotation.`,
    );
  });
});

// ---- round trips ---------------------------------------------------------------------------
const p = uniqueName("sa9a_rf");
const t = (n: string): string => `${p}_${n}`;
class Base extends DeclarativeBase {}

/** A one-to-many / many-to-one with no ForeignKey in the schema: foreign() alone links them. */
class Parent extends Base.model(t("parent"), { id: mappedColumn(Integer, { primaryKey: true }), label: mappedColumn(String(30)) }) {
  static kids = relationship(() => Kid, { primaryjoin: () => Parent.id.eq(foreign(Kid.parentId)), backPopulates: "parent", orderBy: () => Kid.id });
  declare kids: Kid[];
}
class Kid extends Base.model(t("kid"), { id: mappedColumn(Integer, { primaryKey: true }), parentId: mappedColumn(Integer, { name: "parent_id", nullable: true }), label: mappedColumn(String(30)) }) {
  static parent = relationship(() => Parent, { primaryjoin: () => foreign(Kid.parentId).eq(Parent.id), backPopulates: "kids" });
  declare parent: Parent | null;
}

/** An adjacency list without a ForeignKey: remote() picks the parent side, foreign() the referencing column. */
class Node extends Base.model(t("node"), { id: mappedColumn(Integer, { primaryKey: true }), parentId: mappedColumn(Integer, { name: "parent_id", nullable: true }), label: mappedColumn(String(30)) }) {
  static children = relationship(() => Node, { primaryjoin: () => Node.id.eq(remote(foreign(Node.parentId))), backPopulates: "parent", orderBy: () => Node.id });
  declare children: Node[];
  static parent = relationship(() => Node, { primaryjoin: () => remote(Node.id).eq(foreign(Node.parentId)), backPopulates: "children" });
  declare parent: Node | null;
}

/** DirectSelfRefFKTest: a materialized path, one column compared with itself. */
class Entity extends Base.model(t("entity"), { path: mappedColumn(String(100), { primaryKey: true }) }) {
  static descendants = relationship(() => Entity, {
    primaryjoin: () => remote(foreign(Entity.path)).like(Entity.path.concat("/%")),
    viewonly: true,
    orderBy: () => Entity.path,
  });
  declare descendants: Entity[];
  static anscestors = relationship(() => Entity, {
    primaryjoin: () => Entity.path.like(remote(foreign(Entity.path)).concat("/%")),
    viewonly: true,
    orderBy: () => Entity.path,
  });
  declare anscestors: Entity[];
}

/** CompositeSelfRefFKTest.test_annotated: remote() only; company_id is foreign through the composite key. */
function employeeModels(name: string, markForeign: boolean) {
  class Company extends Base.model(t(`${name}_company`), { companyId: mappedColumn(Integer, { primaryKey: true, name: "company_id" }), label: mappedColumn(String(30), { name: "name" }) }) {
    static employees = relationship(() => Employee, { backPopulates: "company" });
    declare employees: Employee[];
  }
  const emp = t(`${name}_employee`);
  class Employee extends Base.model(
    emp,
    {
      companyId: mappedColumn(Integer, { primaryKey: true, name: "company_id" }),
      empId: mappedColumn(Integer, { primaryKey: true, name: "emp_id" }),
      label: mappedColumn(String(30), { name: "name" }),
      reportsToId: mappedColumn(Integer, { name: "reports_to_id", nullable: true }),
    },
    {
      tableArgs: [
        ForeignKeyConstraint(["company_id"], [`${t(`${name}_company`)}.company_id`]),
        ForeignKeyConstraint(["company_id", "reports_to_id"], [`${emp}.company_id`, `${emp}.emp_id`]),
      ],
    },
  ) {
    static company = relationship(() => Company, { backPopulates: "employees" });
    declare company: Company;
    // The reverse of SQLAlchemy's backref("employees"): the remote marks move to the other side.
    static reportsTo = relationship(() => Employee, {
      primaryjoin: () => and(remote(Employee.empId).eq(markForeign ? foreign(Employee.reportsToId) : Employee.reportsToId), remote(Employee.companyId).eq(Employee.companyId)),
      backPopulates: "employees",
    });
    declare reportsTo: Employee | null;
    static employees = relationship(() => Employee, {
      primaryjoin: () => and(Employee.empId.eq(remote(markForeign ? foreign(Employee.reportsToId) : Employee.reportsToId)), Employee.companyId.eq(remote(Employee.companyId))),
      backPopulates: "reportsTo",
      orderBy: () => Employee.empId,
    });
    declare employees: Employee[];
  }
  return { Company, Employee, emp };
}
const annotated = employeeModels("ann", false);
const noOverwrite = employeeModels("now", true);

/** RemoteForeignBetweenColsTest: remote(foreign(Address.ipAddr)).between(…). */
class Network extends Base.model(t("network"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  ipNetAddr: mappedColumn(Integer, { name: "ip_net_addr" }),
  ipBroadcastAddr: mappedColumn(Integer, { name: "ip_broadcast_addr" }),
}) {
  static addresses = relationship(() => IpAddress, {
    primaryjoin: () => remote(foreign(IpAddress.ipAddr)).between(Network.ipNetAddr, Network.ipBroadcastAddr),
    viewonly: true,
    orderBy: () => IpAddress.ipAddr,
  });
  declare addresses: IpAddress[];
}
class IpAddress extends Base.model(t("address"), { ipAddr: mappedColumn(Integer, { primaryKey: true, name: "ip_addr", autoincrement: false }) }) {}

/** ExplicitLocalRemoteTest.test_onetomany_funcfk_annotated: foreign() around a function of the column. */
class T1 extends Base.model(t("t1"), { id: mappedColumn(String(50), { primaryKey: true }), data: mappedColumn(String(50)) }) {
  static t2s = relationship(() => T2, { primaryjoin: () => T1.id.eq(foreign(func.lower(T2.t1id))), orderBy: () => T2.id });
  declare t2s: T2[];
}
class T2 extends Base.model(t("t2"), { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(50)), t1id: mappedColumn(String(50), { nullable: true }) }) {}

/** ExplicitLocalRemoteTest.test_manytoone_funcfk, annotated: the many-to-one side of foreign(lower(t2.t1id)). */
class M1 extends Base.model(t("m1"), { id: mappedColumn(String(50), { primaryKey: true }), data: mappedColumn(String(50)) }) {}
class M2 extends Base.model(t("m2"), { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(50)), t1id: mappedColumn(String(50), { nullable: true }) }) {
  static t1 = relationship(() => M1, { primaryjoin: () => M1.id.eq(foreign(func.lower(M2.t1id))), uselist: true, orderBy: () => M1.id });
  declare t1: M1[];
}
/** ExplicitLocalRemoteTest.test_onetomany_func_referent / test_manytoone_func_referent, annotated. */
class F1 extends Base.model(t("f1"), { id: mappedColumn(String(50), { primaryKey: true }), data: mappedColumn(String(50)) }) {
  static t2s = relationship(() => F2, { primaryjoin: () => func.lower(F1.id).eq(foreign(F2.t1id)), orderBy: () => F2.id });
  declare t2s: F2[];
}
class F2 extends Base.model(t("f2"), { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(50)), t1id: mappedColumn(String(50), { nullable: true }) }) {
  static t1 = relationship(() => F1, { primaryjoin: () => func.lower(F1.id).eq(foreign(F2.t1id)), uselist: true, viewonly: true, orderBy: () => F1.id });
  declare t1: F1[];
}

describe.each(dialectTargets())("remote() / foreign() round trips on $name", (target) => {
  let db: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  beforeAll(async () => {
    db = await openDb(target, Base);
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("a join with no ForeignKey: the flush copies the key foreign() marks; selectin and joined loads use the join", async () => {
    {
      await using s = db.session();
      const p1 = new Parent({ id: 1, label: "p1" });
      const p2 = new Parent({ id: 2, label: "p2" });
      p1.kids.push(new Kid({ id: 10, label: "k10" }), new Kid({ id: 11, label: "k11" }));
      const k12 = new Kid({ id: 12, label: "k12" });
      k12.parent = p2;
      s.addAll([p1, p2, k12]);
      await s.commit();
    }
    await using s = db.session();
    const raw = (await s.execute(select(Kid.id, Kid.parentId).orderBy(Kid.id))).all().map((r) => [...r]);
    expect(raw).toEqual([[10, 1], [11, 1], [12, 2]]);
    db.counting.reset();
    const parents = (await s.scalars(select(Parent).orderBy(Parent.id).options(selectinload(Parent.kids)))).all();
    expect(parents.map((x) => [x.label, x.kids.map((k) => k.label)])).toEqual([["p1", ["k10", "k11"]], ["p2", ["k12"]]]);
    const P = t("parent");
    const K = t("kid");
    expect(db.selects().map(fold)[1]).toBe(`SELECT ${K}.parent_id, ${K}.id, ${K}.label FROM ${K} WHERE ${K}.parent_id IN (${ph(1)}, ${ph(2)}) ORDER BY ${K}.id`);
    const kids = (await s.scalars(select(Kid).orderBy(Kid.id).options(joinedload(Kid.parent)))).unique().all();
    expect(kids.map((k) => k.parent?.label)).toEqual(["p1", "p1", "p2"]);
    expect(fold(db.selects().at(-1)!)).toBe(
      `SELECT ${K}.id, ${K}.parent_id, ${K}.label, ${P}_1.id AS id_1, ${P}_1.label AS label_1 FROM ${K} LEFT OUTER JOIN ${P} AS ${P}_1 ON ${K}.parent_id = ${P}_1.id ORDER BY ${K}.id`,
    );
    // Moving a kid: the many-to-one side copies the new parent's key.
    const k10 = kids[0];
    k10.parent = parents[1];
    await s.flush();
    expect((await s.execute(select(Kid.parentId).where(Kid.id.eq(10)))).scalar()).toBe(2);
  });

  it("a self-referential adjacency list marked with remote() / foreign(): flush, selectin, joined and aliased joins", async () => {
    expect([Node.children.property.direction, Node.parent.property.direction]).toEqual(["ONETOMANY", "MANYTOONE"]);
    {
      await using s = db.session();
      const root = new Node({ id: 1, label: "root" });
      const c1 = new Node({ id: 2, label: "c1" });
      const c2 = new Node({ id: 3, label: "c2" });
      root.children.push(c1, c2);
      const g = new Node({ id: 4, label: "g" });
      g.parent = c1;
      s.addAll([root, g]);
      await s.commit();
    }
    await using s = db.session();
    const N = t("node");
    expect((await s.execute(select(Node.id, Node.parentId).orderBy(Node.id))).all().map((r) => [...r])).toEqual([[1, null], [2, 1], [3, 1], [4, 2]]);
    db.counting.reset();
    const nodes = (await s.scalars(select(Node).orderBy(Node.id).options(selectinload(Node.children), selectinload(Node.parent)))).all();
    expect(nodes.map((n) => [n.label, n.parent?.label ?? null, n.children.map((c) => c.label)])).toEqual([
      ["root", null, ["c1", "c2"]], ["c1", "root", ["g"]], ["c2", "root", []], ["g", "c1", []],
    ]);
    // The many-to-one is answered from the identity map (use_get): parents were all loaded.
    expect(db.selects().map(fold)).toEqual([
      `SELECT ${N}.id, ${N}.parent_id, ${N}.label FROM ${N} ORDER BY ${N}.id`,
      `SELECT ${N}.parent_id, ${N}.id, ${N}.label FROM ${N} WHERE ${N}.parent_id IN (${ph(1)}, ${ph(2)}, ${ph(3)}, ${ph(4)}) ORDER BY ${N}.id`,
    ]);
    s.expungeAll();
    db.counting.reset();
    const g = (await s.scalars(select(Node).where(Node.id.eq(4)).options(joinedload(Node.parent)))).one();
    expect(g.parent!.label).toBe("c1");
    expect(fold(db.selects()[0])).toBe(
      `SELECT ${N}.id, ${N}.parent_id, ${N}.label, ${N}_1.id AS id_1, ${N}_1.parent_id AS parent_id_1, ${N}_1.label AS label_1 FROM ${N} LEFT OUTER JOIN ${N} AS ${N}_1 ON ${N}_1.id = ${N}.parent_id WHERE ${N}.id = ${ph(1)}`,
    );
    const pa = aliased(Node);
    const q = select(Node.label).join(Node.parent.ofType(pa)).where(pa.label.eq("root")).orderBy(Node.label);
    expect((await s.scalars(q)).all()).toEqual(["c1", "c2"]);
    // Re-parenting and orphaning write the marked foreign column.
    g.parent = null;
    await s.flush();
    expect((await s.execute(select(Node.parentId).where(Node.id.eq(4)))).scalar()).toBeNull();
    await s.rollback();
  });

  it("DirectSelfRefFKTest: descendants and ancestors of a materialized path (selectin, joined, plain join)", async () => {
    expect([Entity.descendants.property.direction, Entity.anscestors.property.direction]).toEqual(["ONETOMANY", "ONETOMANY"]);
    {
      await using s = db.session();
      s.addAll(["/foo", "/foo/bar1", "/foo/bar2", "/foo/bar2/bat1", "/foo/bar2/bat2", "/foo/bar3", "/bar", "/bar/bat1"].map((path) => new Entity({ path })));
      await s.commit();
    }
    const E = t("entity");
    const da = aliased(Entity);
    // test_plain_join_descendants
    expect(fold(select(Entity).join(Entity.descendants.ofType(da)).toString())).toBe(`SELECT ${E}.path FROM ${E} JOIN ${E} AS ${E}_1 ON ${E}_1.path LIKE (${E}.path || :path_1)`);
    const descendants = ["/foo/bar1", "/foo/bar2", "/foo/bar2/bat1", "/foo/bar2/bat2", "/foo/bar3"];
    {
      // test_descendants_lazyload, as a selectin load (through the parent row).
      await using s = db.session();
      db.counting.reset();
      const e1 = (await s.scalars(select(Entity).filterBy({ path: "/foo" }).options(selectinload(Entity.descendants)))).one();
      expect(e1.descendants.map((e) => e.path)).toEqual(descendants);
      expect(fold(db.selects()[1])).toBe(
        `SELECT ${E}_1.path, ${E}.path FROM ${E} AS ${E}_1 JOIN ${E} ON ${E}.path LIKE (${E}_1.path || ${ph(1)}) WHERE ${E}_1.path IN (${ph(2)}) ORDER BY ${E}.path`,
      );
    }
    {
      // test_descendants_joinedload
      await using s = db.session();
      const e1 = (await s.scalars(select(Entity).filterBy({ path: "/foo" }).options(joinedload(Entity.descendants)))).unique().one();
      expect(e1.descendants.map((e) => e.path)).toEqual(descendants);
    }
    {
      // test_anscestors_lazyload / test_anscestors_joinedload
      await using s = db.session();
      const e1 = (await s.scalars(select(Entity).filterBy({ path: "/foo/bar2/bat1" }).options(selectinload(Entity.anscestors)))).one();
      expect(e1.anscestors.map((e) => e.path)).toEqual(["/foo", "/foo/bar2"]);
      s.expungeAll();
      const e2 = (await s.scalars(select(Entity).filterBy({ path: "/foo/bar2/bat1" }).options(joinedload(Entity.anscestors)))).unique().one();
      expect(e2.anscestors.map((e) => e.path)).toEqual(["/foo", "/foo/bar2"]);
    }
  });

  for (const [label, models, overwrites] of [
    ["test_annotated: remote() only; company_id is foreign through the composite key", annotated, true],
    ["test_annotated_no_overwriting: foreign(reports_to_id) keeps company_id out of the sync", noOverwrite, false],
  ] as const) {
    it(`CompositeSelfRefFKTest.${label}`, async () => {
      const { Company, Employee, emp } = models;
      const E = emp;
      // _test_relationships
      // SQLAlchemy compares these as sets.
      expect(pairs(Employee.employees.property.localRemotePairs).sort()).toEqual([[`${E}.company_id`, `${E}.company_id`], [`${E}.emp_id`, `${E}.reports_to_id`]]);
      expect(names(Employee.employees.property.remoteSide)).toEqual(["company_id", "reports_to_id"]);
      expect(pairs(Employee.reportsTo.property.localRemotePairs).sort()).toEqual([[`${E}.company_id`, `${E}.company_id`], [`${E}.reports_to_id`, `${E}.emp_id`]]);
      expect([Employee.reportsTo.property.direction, Employee.employees.property.direction]).toEqual(["MANYTOONE", "ONETOMANY"]);
      // The pairs a de-association blanks (SQLAlchemy's synchronize_pairs).
      expect(pairs(Employee.reportsTo.property.clearPairs)).toEqual(
        overwrites ? [[`${E}.reports_to_id`, `${E}.emp_id`], [`${E}.company_id`, `${E}.company_id`]] : [[`${E}.reports_to_id`, `${E}.emp_id`]],
      );
      {
        await using s = db.session();
        const c1 = new Company({ companyId: 1, label: "c1" });
        const c2 = new Company({ companyId: 2, label: "c2" });
        const e1 = new Employee({ label: "emp1", company: c1, empId: 1 });
        new Employee({ label: "emp2", company: c1, empId: 2, reportsTo: e1 });
        const e3 = new Employee({ label: "emp3", company: c1, empId: 3, reportsTo: e1 });
        new Employee({ label: "emp4", company: c1, empId: 4, reportsTo: e3 });
        const e5 = new Employee({ label: "emp5", company: c2, empId: 1 });
        new Employee({ label: "emp6", company: c2, empId: 2, reportsTo: e5 });
        new Employee({ label: "emp7", company: c2, empId: 3, reportsTo: e5 });
        s.addAll([c1, c2]);
        await s.commit();
      }
      await using s = db.session();
      // _test_lazy_relations, through selectin loads.
      const emps = (await s.scalars(select(Employee).orderBy(Employee.companyId, Employee.empId).options(selectinload(Employee.employees), selectinload(Employee.reportsTo), selectinload(Employee.company)))).all();
      const by = new Map(emps.map((e) => [e.label, e]));
      expect(by.get("emp1")!.employees.map((e) => e.label)).toEqual(["emp2", "emp3"]);
      expect(by.get("emp5")!.employees.map((e) => e.label)).toEqual(["emp6", "emp7"]);
      expect(by.get("emp3")!.reportsTo!.label).toBe("emp1");
      expect(by.get("emp7")!.reportsTo!.label).toBe("emp5");
      // _test_join_aliasing: the relationship joins on the unmarked condition.
      // Adapted by the marks: the remote() occurrence of company_id is the joined row's.
      const sub = aliased(Employee);
      const q = select(sub.label).join(Employee.employees.ofType(sub)).where(Employee.label.eq("emp1")).orderBy(sub.label);
      expect(fold(q.toString())).toBe(
        `SELECT ${E}_1.name FROM ${E} JOIN ${E} AS ${E}_1 ON ${E}.emp_id = ${E}_1.reports_to_id AND ${E}.company_id = ${E}_1.company_id WHERE ${E}.name = :label_1 ORDER BY ${E}_1.name`,
      );
      expect((await s.scalars(q)).all()).toEqual(["emp2", "emp3"]);
      // _test_no_overwrite [ticket:3230]
      const e3 = by.get("emp3")!;
      e3.reportsTo = null;
      if (overwrites) {
        // Without foreign(), company_id is foreign too (the composite key) and would be blanked.
        const err = await s.flush().then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidRequestError);
        expect((err as Error).message).toMatch(`Dependency rule on column '${E}.company_id' tried to blank-out primary key column '${E}.company_id' on instance`);
      } else {
        await s.flush();
        expect(e3.company).toBe(by.get("emp1")!.company);
        const row = (await s.execute(select(Employee.companyId, Employee.reportsToId).where(Employee.label.eq("emp3")))).one();
        expect([...row]).toEqual([1, null]);
      }
    });
  }

  it("ExplicitLocalRemoteTest.test_manytoone_funcfk / test_onetomany_func_referent / test_manytoone_func_referent, annotated", async () => {
    void [M1.id, M2.id, F1.id, F2.id];
    expect([M2.t1.property.direction, F1.t2s.property.direction, F2.t1.property.direction]).toEqual(["MANYTOONE", "ONETOMANY", "MANYTOONE"]);
    expect(pairs(M2.t1.property.localRemotePairs)).toEqual([[`${t("m2")}.t1id`, `${t("m1")}.id`]]);
    expect(pairs(F1.t2s.property.localRemotePairs)).toEqual([[`${t("f1")}.id`, `${t("f2")}.t1id`]]);
    {
      await using s = db.session();
      s.addAll([
        new M1({ id: "number1", data: "a1" }), new M1({ id: "number2", data: "a2" }),
        new M2({ id: 1, data: "b1", t1id: "NuMbEr1" }), new M2({ id: 2, data: "b2", t1id: "Number1" }), new M2({ id: 3, data: "b3", t1id: "Number2" }),
        new F1({ id: "NuMbeR1", data: "a1" }), new F1({ id: "NuMbeR2", data: "a2" }),
        new F2({ id: 1, data: "b1", t1id: "number1" }), new F2({ id: 2, data: "b2", t1id: "number1" }), new F2({ id: 3, data: "b3", t1id: "number2" }),
      ]);
      await s.commit();
    }
    await using s = db.session();
    const m2s = (await s.scalars(select(M2).where(M2.data.in(["b1", "b2"])).orderBy(M2.id).options(selectinload(M2.t1)))).all();
    expect(m2s.map((x) => [x.data, x.t1.map((y) => y.id)])).toEqual([["b1", ["number1"]], ["b2", ["number1"]]]);
    const f1 = (await s.scalars(select(F1).orderBy(F1.id).limit(1).options(selectinload(F1.t2s)))).one();
    expect([f1.id, f1.t2s.map((x) => x.data)]).toEqual(["NuMbeR1", ["b1", "b2"]]);
    const f2s = (await s.scalars(select(F2).where(F2.data.in(["b1", "b2"])).orderBy(F2.id).options(joinedload(F2.t1)))).unique().all();
    expect(f2s.map((x) => [x.data, x.t1.map((y) => y.id)])).toEqual([["b1", ["NuMbeR1"]], ["b2", ["NuMbeR1"]]]);
  });

  it("RemoteForeignBetweenColsTest: test_col_query and the collection's loads", async () => {
    {
      await using s = db.session();
      s.addAll([
        new Network({ id: 1, ipNetAddr: 5, ipBroadcastAddr: 10 }),
        new Network({ id: 2, ipNetAddr: 15, ipBroadcastAddr: 25 }),
        new Network({ id: 3, ipNetAddr: 30, ipBroadcastAddr: 35 }),
        new IpAddress({ ipAddr: 17 }), new IpAddress({ ipAddr: 18 }), new IpAddress({ ipAddr: 9 }), new IpAddress({ ipAddr: 27 }),
      ]);
      await s.commit();
    }
    await using s = db.session();
    const N = t("network");
    const A = t("address");
    const q = select(IpAddress.ipAddr).selectFrom(Network).join(Network.addresses).where(Network.ipNetAddr.eq(15)).orderBy(IpAddress.ipAddr);
    expect(fold(q.toString())).toBe(`SELECT ${A}.ip_addr FROM ${N} JOIN ${A} ON ${A}.ip_addr BETWEEN ${N}.ip_net_addr AND ${N}.ip_broadcast_addr WHERE ${N}.ip_net_addr = :ipNetAddr_1 ORDER BY ${A}.ip_addr`);
    expect((await s.scalars(q)).all()).toEqual([17, 18]);
    // test_lazyload, as the loads athanor has: selectin and joined.
    const nets = (await s.scalars(select(Network).orderBy(Network.id).options(selectinload(Network.addresses)))).all();
    expect(nets.map((n) => n.addresses.map((a) => a.ipAddr))).toEqual([[9], [17, 18], []]);
    s.expungeAll();
    const joined = (await s.scalars(select(Network).orderBy(Network.id).options(joinedload(Network.addresses)))).unique().all();
    expect(joined.map((n) => n.addresses.map((a) => a.ipAddr))).toEqual([[9], [17, 18], []]);
  });

  it("ExplicitLocalRemoteTest.test_onetomany_funcfk_annotated: foreign(lower(t2.t1id))", async () => {
    void [T1.id, T2.id];
    const prop = T1.t2s.property;
    expect(prop.direction).toBe("ONETOMANY");
    expect(pairs(prop.localRemotePairs)).toEqual([[`${t("t1")}.id`, `${t("t2")}.t1id`]]);
    {
      await using s = db.session();
      s.addAll([
        new T1({ id: "number1", data: "a1" }), new T1({ id: "number2", data: "a2" }),
        new T2({ id: 1, data: "b1", t1id: "NuMbEr1" }), new T2({ id: 2, data: "b2", t1id: "Number1" }), new T2({ id: 3, data: "b3", t1id: "Number2" }),
      ]);
      await s.commit();
    }
    await using s = db.session();
    const t1s = (await s.scalars(select(T1).orderBy(T1.id).options(selectinload(T1.t2s)))).all();
    expect(t1s.map((x) => [x.id, x.t2s.map((y) => y.data)])).toEqual([["number1", ["b1", "b2"]], ["number2", ["b3"]]]);
  });
});
