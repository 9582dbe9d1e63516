import type { TeacherBatch, TeacherItem } from '../core/teachers/types';

/**
 * For teacher tests: `queries` queries ("q0", "query 0", …) with the same `docs` documents each ("d0" …);
 * `document(i)` gives document i's text and gold label.
 */
export function syntheticTeacherBatch(
  shape: { queries: number; docs: number; task: TeacherBatch['task']; instruction: string },
  document: (i: number) => Omit<TeacherItem['documents'][number], 'id'>,
): TeacherBatch {
  return {
    task: shape.task,
    instruction: shape.instruction,
    items: Array.from({ length: shape.queries }, (_, q) => ({
      queryId: `q${q}`,
      queryText: `query ${q}`,
      documents: Array.from({ length: shape.docs }, (_, i) => ({ id: `d${i}`, ...document(i) })),
    })),
  };
}
