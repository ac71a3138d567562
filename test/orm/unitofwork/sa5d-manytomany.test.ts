/**
 * SQLAlchemy's test/orm/test_manytomany.py on PostgreSQL and libSQL: self-referential
 * many-to-many with explicit primaryjoin/secondaryjoin, bidirectional many-to-many (both sides
 * appending), association rows after delete, a scalar (`uselist: false`) side of a many-to-many,
 * and StaleDataError when association rows have gone.
 */
import {
  AsyncSession, Column, DeclarativeBase, func, Integer, mappedColumn, relationship, select, selectinload, StaleDataError, String, Table, delete_,
} from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

const place = uniqueName("sa5d_mm_place");
const transition = uniqueName("sa5d_mm_transition");
const placeInputName = uniqueName("sa5d_mm_place_input");
const placeOutputName = uniqueName("sa5d_mm_place_output");
const placePlaceName = uniqueName("sa5d_mm_place_place");

class Base extends DeclarativeBase {}
const placeInput = Table(placeInputName, Base.metadata, {
  place_id: Column(Integer, { foreignKey: `${place}.place_id` }),
  transition_id: Column(Integer, { foreignKey: `${transition}.transition_id` }),
});
const placeOutput = Table(placeOutputName, Base.metadata, {
  place_id: Column(Integer, { foreignKey: `${place}.place_id` }),
  transition_id: Column(Integer, { foreignKey: `${transition}.transition_id` }),
});
const placePlace = Table(placePlaceName, Base.metadata, {
  pl1_id: Column(Integer, { foreignKey: `${place}.place_id` }),
  pl2_id: Column(Integer, { foreignKey: `${place}.place_id` }),
});

class Place extends Base.model(place, {
  placeId: mappedColumn(Integer, { primaryKey: true, name: "place_id" }),
  name: mappedColumn(String(30)),
}) {
  static places = relationship(() => Place, {
    secondary: placePlace,
    primaryjoin: () => Place.placeId.eq(placePlace.c.pl1_id),
    secondaryjoin: () => Place.placeId.eq(placePlace.c.pl2_id),
    // SQLAlchemy orders by place_place.c.pl2_id, which is the target's place_id.
    orderBy: () => Place.placeId,
  });
  declare places: Place[];
  static inputs = relationship(() => Transition, { secondary: placeOutput, backPopulates: "inputs", orderBy: () => Transition.transitionId });
  declare inputs: Transition[];
  static outputs = relationship(() => Transition, { secondary: placeInput, backPopulates: "outputs", orderBy: () => Transition.transitionId });
  declare outputs: Transition[];
}
class Transition extends Base.model(transition, {
  transitionId: mappedColumn(Integer, { primaryKey: true, name: "transition_id" }),
  name: mappedColumn(String(30)),
}) {
  static inputs = relationship(() => Place, { secondary: placeOutput, backPopulates: "inputs", orderBy: () => Place.placeId });
  declare inputs: Place[];
  static outputs = relationship(() => Place, { secondary: placeInput, backPopulates: "outputs", orderBy: () => Place.placeId });
  declare outputs: Place[];
}

// Self-referential with a backref: child_places / parent_places.
const node = uniqueName("sa5d_mm_node");
const nodeNodeName = uniqueName("sa5d_mm_node_node");
class Base2 extends DeclarativeBase {}
const nodeNode = Table(nodeNodeName, Base2.metadata, {
  pl1_id: Column(Integer, { foreignKey: `${node}.id` }),
  pl2_id: Column(Integer, { foreignKey: `${node}.id` }),
});
class Node extends Base2.model(node, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30)) }) {
  static childPlaces = relationship(() => Node, {
    secondary: nodeNode,
    primaryjoin: () => Node.id.eq(nodeNode.c.pl1_id),
    secondaryjoin: () => Node.id.eq(nodeNode.c.pl2_id),
    orderBy: () => Node.id,
    backPopulates: "parentPlaces",
  });
  declare childPlaces: Node[];
  static parentPlaces = relationship(() => Node, {
    secondary: nodeNode,
    primaryjoin: () => Node.id.eq(nodeNode.c.pl2_id),
    secondaryjoin: () => Node.id.eq(nodeNode.c.pl1_id),
    backPopulates: "childPlaces",
  });
  declare parentPlaces: Node[];
}

// AssortedPersistenceTests: left / right / secondary.
const left = uniqueName("sa5d_mm_left");
const right = uniqueName("sa5d_mm_right");
const secondaryName = uniqueName("sa5d_mm_secondary");
class Base3 extends DeclarativeBase {}
const secondary = Table(secondaryName, Base3.metadata, {
  left_id: Column(Integer, { foreignKey: `${left}.id`, primaryKey: true }),
  right_id: Column(Integer, { foreignKey: `${right}.id`, primaryKey: true }),
});
class A extends Base3.model(left, { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(30), { nullable: true }) }) {
  static bs = relationship(() => B, { secondary, backPopulates: "a", orderBy: () => B.id });
  declare bs: B[];
}
class B extends Base3.model(right, { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(30), { nullable: true }) }) {
  static a = relationship(() => A, { secondary, backPopulates: "bs", uselist: false });
  declare a: A | null;
}

// test_stale_conditions: Place.transitions with passiveUpdates: false (natural keys, no ON UPDATE CASCADE).
const splace = uniqueName("sa5d_mm_splace");
const strans = uniqueName("sa5d_mm_strans");
const sinputName = uniqueName("sa5d_mm_sinput");
class Base4 extends DeclarativeBase {}
const sinput = Table(sinputName, Base4.metadata, {
  place_id: Column(Integer),
  transition_id: Column(Integer, { foreignKey: `${strans}.transition_id` }),
});
class SPlace extends Base4.model(splace, { placeId: mappedColumn(Integer, { primaryKey: true, name: "place_id" }), name: mappedColumn(String(30)) }) {
  static transitions = relationship(() => STransition, {
    secondary: sinput,
    primaryjoin: () => SPlace.placeId.eq(sinput.c.place_id),
    foreignKeys: () => [sinput.c.place_id, sinput.c.transition_id],
    passiveUpdates: false,
  });
  declare transitions: STransition[];
}
class STransition extends Base4.model(strans, { transitionId: mappedColumn(Integer, { primaryKey: true, name: "transition_id" }), name: mappedColumn(String(30)) }) {}

describe.each(dialectTargets())("M2MTest on $name", (target) => {
  const log = useSqlLog(target, [Base.metadata, Base2.metadata, Base3.metadata, Base4.metadata]);

  it("test_stale_conditions", async () => {
    await using s = new AsyncSession(log.engine);
    const p1 = new SPlace({ placeId: 1, name: "place1" });
    const t1 = new STransition({ transitionId: 1, name: "t1" });
    p1.transitions.push(t1);
    s.addAll([p1, t1]);
    await s.commit();
    await s.refresh(p1, ["placeId", "transitions"]);
    await s.execute(delete_(sinput));
    p1.placeId = 7;
    await expect(s.commit()).rejects.toThrow(new StaleDataError(`UPDATE statement on table '${sinputName}' expected to update 1 row(s); Only 0 were matched.`));
    await s.rollback();
    await s.refresh(p1, ["placeId", "transitions"]);
    await s.execute(delete_(sinput));
    p1.transitions.splice(p1.transitions.indexOf(t1), 1);
    await expect(s.commit()).rejects.toThrow(new StaleDataError(`DELETE statement on table '${sinputName}' expected to delete 1 row(s); Only 0 were matched.`));
  });

  it("passiveUpdates: false moves the association rows with the parent's key", async () => {
    await using s = new AsyncSession(log.engine);
    const p1 = new SPlace({ placeId: 1, name: "place1" });
    const [t1, t2, t3] = [1, 2, 3].map((i) => new STransition({ transitionId: i, name: `t${i}` })) as [STransition, STransition, STransition];
    p1.transitions.push(t1, t2);
    s.addAll([p1, t3]);
    await s.commit();
    await s.refresh(p1, ["placeId", "transitions"]);
    p1.placeId = 7;
    p1.transitions.push(t3);
    const sent = await log.capture(() => s.commit());
    const writes = sent.filter(([sql]) => !sql.startsWith("SELECT"));
    expect(writes).toEqual([
      [`UPDATE ${splace} SET place_id=? WHERE ${splace}.place_id = ?`, [7, 1]],
      [`UPDATE ${sinputName} SET place_id=? WHERE ${sinputName}.place_id = ? AND ${sinputName}.transition_id = ?`, [7, 1, 1]],
      [`UPDATE ${sinputName} SET place_id=? WHERE ${sinputName}.place_id = ? AND ${sinputName}.transition_id = ?`, [7, 1, 2]],
      [`INSERT INTO ${sinputName} (place_id, transition_id) VALUES (?, ?)`, [7, 3]],
    ]);
    const rows = (await s.execute(select(sinput.c.place_id, sinput.c.transition_id).orderBy(sinput.c.transition_id))).all().map((r) => [...r]);
    expect(rows).toEqual([[7, 1], [7, 2], [7, 3]]);
  });

  it("test_self_referential_roundtrip", async () => {
    await using s = new AsyncSession(log.engine);
    const [p1, p2, p3, p4, p5, p6, p7] = [1, 2, 3, 4, 5, 6, 7].map((i) => new Place({ name: `place${i}` })) as [Place, Place, Place, Place, Place, Place, Place];
    s.addAll([p1, p2, p3, p4, p5, p6, p7]);
    p1.places.push(p2);
    p1.places.push(p3);
    p5.places.push(p6);
    p6.places.push(p1);
    p7.places.push(p1);
    p1.places.push(p5);
    p4.places.push(p3);
    p3.places.push(p4);
    await s.commit();
    const all = [p1, p2, p3, p4, p5, p6, p7];
    await s.scalars(select(Place).options(selectinload(Place.places)));
    const names = (ps: Place[]) => ps.map((p) => p.name);
    expect(all.map((p) => names(p.places))).toEqual([
      ["place2", "place3", "place5"], [], ["place4"], ["place3"], ["place6"], ["place1"], ["place1"],
    ]);
    expect(await s.scalar(select(func.count()).selectFrom(placePlace))).toBe(8);
  });

  it("test_self_referential_bidirectional_mutation", async () => {
    await using s = new AsyncSession(log.engine);
    const p1 = new Node({ name: "place1" });
    const p2 = new Node({ name: "place2" });
    p2.parentPlaces = [p1];
    expect(p1.childPlaces).toEqual([p2]);
    s.addAll([p1, p2]);
    p1.parentPlaces.push(p2);
    expect(p2.childPlaces).toEqual([p1]);
    await s.commit();
    await s.scalars(select(Node).options(selectinload(Node.parentPlaces), selectinload(Node.childPlaces)));
    expect(p2.parentPlaces).toContain(p1);
    expect(p1.parentPlaces).toContain(p2);
    const rows = (await s.execute(select(nodeNode.c.pl1_id, nodeNode.c.pl2_id).orderBy(nodeNode.c.pl1_id))).all().map((r) => [...r]);
    expect(rows).toEqual([[p1.id, p2.id], [p2.id, p1.id]]);
  });

  it("test_bidirectional", async () => {
    await using s = new AsyncSession(log.engine);
    const [t1, t2, t3] = [1, 2, 3].map((i) => new Transition({ name: `transition${i}` })) as [Transition, Transition, Transition];
    const [p1, p2, p3] = [1, 2, 3].map((i) => new Place({ name: `place${i}` })) as [Place, Place, Place];
    s.addAll([p3, p1, t1, t2, p2, t3]);
    t1.inputs.push(p1);
    t1.inputs.push(p2);
    t1.outputs.push(p3);
    t2.inputs.push(p1);
    p2.inputs.push(t2);
    p3.inputs.push(t2);
    p1.outputs.push(t1);
    // The backrefs fired in memory.
    expect(p2.inputs).toEqual([t1, t2]);
    expect(t1.outputs).toEqual([p3, p1]);
    await s.commit();
    s.expungeAll();
    const tt1 = (await s.scalars(select(Transition).where(Transition.name.eq("transition1")).options(selectinload(Transition.outputs)))).one();
    expect(new Set(tt1.outputs.map((p) => p.name))).toEqual(new Set(["place3", "place1"]));
    const pp2 = (await s.scalars(select(Place).where(Place.name.eq("place2")).options(selectinload(Place.inputs)))).one();
    expect(pp2.inputs.map((t) => t.name)).toEqual(["transition1", "transition2"]);
    expect(await s.scalar(select(func.count()).selectFrom(placeOutput))).toBe(5);
    expect(await s.scalar(select(func.count()).selectFrom(placeInput))).toBe(2);
  });

  it("test_stale_conditions (DELETE of a vanished association row)", async () => {
    await using s = new AsyncSession(log.engine);
    const p1 = new Place({ name: "place1" });
    const t1 = new Transition({ name: "t1" });
    p1.outputs.push(t1);
    s.addAll([p1, t1]);
    await s.commit();
    await s.refresh(p1, ["outputs"]);
    await s.execute(delete_(placeInput));
    p1.outputs.splice(0, 1);
    await expect(s.commit()).rejects.toThrow(StaleDataError);
    await s.rollback();
    await s.refresh(p1, ["outputs"]);
    await s.execute(delete_(placeInput));
    p1.outputs.splice(0, 1);
    await expect(s.commit()).rejects.toThrow(`DELETE statement on table '${placeInputName}' expected to delete 1 row(s); Only 0 were matched.`);
  });

  it("test_session_delete", async () => {
    await using s = new AsyncSession(log.engine);
    s.addAll([new A({ data: "a1", bs: [new B({ data: "b1" })] }), new A({ data: "a2", bs: [new B({ data: "b2" })] })]);
    await s.commit();
    const a1 = (await s.scalars(select(A).where(A.data.eq("a1")))).one();
    await s.delete(a1);
    await s.flush();
    expect(await s.scalar(select(func.count()).selectFrom(secondary))).toBe(1);
    const a2 = (await s.scalars(select(A).where(A.data.eq("a2")))).one();
    await s.delete(a2);
    await s.flush();
    expect(await s.scalar(select(func.count()).selectFrom(secondary))).toBe(0);
  });

  it("test_remove_scalar", async () => {
    await using s = new AsyncSession(log.engine);
    s.addAll([new A({ data: "a1", bs: [new B({ data: "b1" }), new B({ data: "b2" })] })]);
    await s.commit();
    const a1 = (await s.scalars(select(A).where(A.data.eq("a1")).options(selectinload(A.bs)))).one();
    const b2 = (await s.scalars(select(B).where(B.data.eq("b2")).options(selectinload(B.a)))).one();
    expect(b2.a).toBe(a1);
    b2.a = null;
    expect(a1.bs.map((b) => b.data)).toEqual(["b1"]);
    await s.commit();
    await s.refresh(a1, ["bs"]);
    await s.refresh(b2, ["a"]);
    expect(a1.bs.map((b) => b.data)).toEqual(["b1"]);
    expect(b2.a).toBe(null);
    expect(await s.scalar(select(func.count()).selectFrom(secondary))).toBe(1);
  });
});
