/** The plan: loading and validating plan files, rendering their SQL templates, explaining them. */
export { loadPlan, loadPlanSync, validatePlanFile, type PlanValidation } from './load';
export { PlanValidationError, formatProblem, PLAN_SCHEMA_PATH, type PlanProblem } from './validate';
export { DEFAULT_DUMP_FILE } from './resolve';
export { renderTemplate, renderReport, checkTemplate, KNOWN_HELPERS, type RenderedSql, type TemplateIssue } from './render';
export { explainPlan } from './explain';
export { STEP_KINDS, stepKind, stepParams, type StepKind, type Database } from './step-kinds';
export { mysqlFlavor, postgresFlavor, flavorFor, type SqlFlavor } from './sql-flavor';
export type * from './types';
