import { Alert } from '@mui/material';
import { ApiError, problemText } from '../api/client';
import type { FormProblems } from '../lib/form-problems';

/**
 * Why a save failed, above its button: a 409 in the form's own plain words (`conflict`, e.g. "that
 * key is taken"), a 400 as "fix the marked fields" plus any problem no field shows, else the API's
 * words. The marked fields carry the rest.
 */
export function SaveProblem({ problems, fields, conflict }: { problems: FormProblems; fields: string[]; conflict: (message: string) => string }) {
  const err = problems.error;
  if (!err) return null;
  if (err instanceof ApiError && err.status === 409) {
    const beside = problems.list.length ? ' The fields concerned are marked.' : '';
    return (
      <Alert severity="warning" role="alert">
        {conflict(err.message)}
        {beside}
      </Alert>
    );
  }
  if (err instanceof ApiError && err.status === 400 && problems.list.length) {
    const rest = problems.unplaced(fields);
    return (
      <Alert severity="error" role="alert">
        Nothing was saved: please fix the marked fields.
        {rest.length > 0 && <> Also: {rest.map((p) => `${p.path}: ${p.problems.join(', ')}`).join('; ')}.</>}
      </Alert>
    );
  }
  return (
    <Alert severity="error" role="alert">
      Nothing was saved. {problemText(err)}
    </Alert>
  );
}
