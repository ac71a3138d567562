/**
 * The serverless example's models: users and their e-mail addresses (SQLAlchemy's ORM tutorial
 * schema). Addresses belong to their user: `cascade: "all, delete-orphan"` deletes them with it.
 * @module
 */
import { DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, String } from "athanor";

export class Base extends DeclarativeBase {}

export class User extends Base.model("user_account", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30), { unique: true }),
  fullname: mappedColumn(String, { nullable: true }),
}) {
  static addresses = relationship(() => Address, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare addresses: Address[];
}

export class Address extends Base.model("address", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String, { name: "email_address" }),
  userId: mappedColumn(ForeignKey("user_account.id"), { name: "user_id" }),
}) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User;
}
