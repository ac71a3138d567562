/**
 * `index: true` names its index by SQLAlchemy's default convention "ix_%(column_0_label)s", whose
 * label carries the schema, for table columns and for columns a single-table subclass adds.
 */
import { describe, expect, it } from "vitest";
import { DeclarativeBase, Integer, mappedColumn, String } from "athanor";

class Base extends DeclarativeBase {}
class Staff extends Base.model("staff", {
  id: mappedColumn(Integer, { primaryKey: true }),
  kind: mappedColumn(String(20)),
  name: mappedColumn(String(30), { index: true }),
}, { polymorphicOn: "kind", polymorphicIdentity: "staff", tableArgs: [{ schema: "hr" }] }) {}
class Manager extends Staff.subclass({ budget: mappedColumn(Integer, { index: true, nullable: true }) }, { polymorphicIdentity: "manager" }) {}

describe("default index names", () => {
  it("carry the schema for table columns and subclass columns alike", () => {
    expect(Manager.__table__).toBe(Staff.__table__);
    expect(Staff.__table__.indexes.map((ix) => ix.name)).toEqual(["ix_hr_staff_name", "ix_hr_staff_budget"]);
  });
});
