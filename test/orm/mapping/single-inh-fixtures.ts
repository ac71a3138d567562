/**
 * The mapping of SQLAlchemy's test/orm/inheritance/test_single.py SingleInheritanceTest:
 * Employee / Manager / Engineer / JuniorEngineer on one `employees` table discriminated by
 * `type`, with `reports` pointing at employees. Each call builds a fresh DeclarativeBase with
 * table names unique to the calling file.
 */
import { configureModel, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, String } from "athanor";
// Named so the inferred model class types can be emitted (TS4058).
import type { DISPATCH } from "../../../src/engine/events.js";
import type { STATE } from "../../../src/orm/state.js";
import { uniqueName } from "../../fixtures/databases.js";

export type { DISPATCH, STATE };

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function defineSingleInhModels(prefix: string) {
  const P = uniqueName(prefix);
  const EMP = `${P}_employees`;
  const REP = `${P}_reports`;

  class Base extends DeclarativeBase {}
  class Employee extends Base.model(EMP, {
    employeeId: mappedColumn(Integer, { primaryKey: true, name: "employee_id" }),
    name: mappedColumn(String(50), { nullable: true }),
    type: mappedColumn(String(20)),
  }, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {
    static reports = relationship(() => Report, { backPopulates: "employee" });
    declare reports: Report[];
  }
  class Manager extends Employee.subclass({ managerData: mappedColumn(String(50), { name: "manager_data", nullable: true }) }, { polymorphicIdentity: "manager" }) {}
  class Engineer extends Employee.subclass({ engineerInfo: mappedColumn(String(50), { name: "engineer_info", nullable: true }) }, { polymorphicIdentity: "engineer" }) {}
  class JuniorEngineer extends Engineer.subclass({}, { polymorphicIdentity: "juniorengineer" }) {}
  class Report extends Base.model(REP, {
    reportId: mappedColumn(Integer, { primaryKey: true, name: "report_id" }),
    employeeId: mappedColumn(ForeignKey(`${EMP}.employee_id`), { name: "employee_id", nullable: true }),
    name: mappedColumn(String(50), { nullable: true }),
  }) {
    static employee = relationship(() => Employee, { backPopulates: "reports" });
    declare employee: Employee | null;
  }
  for (const cls of [Manager, Engineer, JuniorEngineer]) configureModel(cls);
  return { P, EMP, REP, Base, Employee, Manager, Engineer, JuniorEngineer, Report };
}
