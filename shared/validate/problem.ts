/**
 * The validators' problem type. It is defined with the model
 * (shared/model/problem.ts) because parsing reports problems too, and the
 * model must not import the validators (shared/validate builds on shared/model).
 */
export { hasErrors, type Problem } from '../model/problem';
