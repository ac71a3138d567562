/**
 * Anonymous aliases are numbered in the order the SQL text shows them, as SQLAlchemy's compiler
 * does (test/orm/test_joins.py, self-referential joins through two aliases).
 */
import { describe, it } from "vitest";
import { aliased, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select, String } from "athanor";
import { assertCompile } from "../../sql/compiler/helpers.js";

class Base extends DeclarativeBase {}
class Node extends Base.model("nodes", {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey("nodes.id"), { name: "parent_id", nullable: true }),
  data: mappedColumn(String(30)),
}) {
  static parent = relationship(() => Node, { remoteSide: () => Node.id, backPopulates: "children" });
  declare parent: Node | null;
  static children = relationship(() => Node, { backPopulates: "parent" });
  declare children: Node[];
}

describe("anonymous alias numbering", () => {
  it("two anonymous aliases joined in a chain are nodes_1 then nodes_2", () => {
    const na = aliased(Node);
    const na2 = aliased(Node);
    assertCompile(
      select(Node.data).join(na, Node.parent).join(na2, na.parent).where(na2.data.eq("n1")),
      "SELECT nodes.data FROM nodes JOIN nodes AS nodes_1 ON nodes_1.id = nodes.parent_id " +
        "JOIN nodes AS nodes_2 ON nodes_2.id = nodes_1.parent_id WHERE nodes_2.data = :data_1",
    );
  });
});
