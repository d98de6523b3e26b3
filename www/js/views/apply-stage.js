// Where an application is in the apply flow, as a pure function of its draft (what the
// applicant has done so far, kept in localStorage): a reload, another tab or the widget's frame
// land on the same step, and the rule is tested under Node (tests/node/apply-stage.test.mjs)
// without a browser.

/** The steps, in the order the stepper shows them. */
export const APPLY_STEPS = ['details', 'key', 'backup', 'submit', 'mailbox', 'letter'];

/**
 * The step the applicant is at. Making the key completes two steps at once ('details' and
 * 'key'): the next thing to do is the backup.
 * @param {{keyId?: string, backupSaved?: boolean, applicationId?: string, mailboxConfirmed?: boolean}} draft
 * @returns {'details' | 'backup' | 'submit' | 'mailbox' | 'letter'}
 */
export function applyStage(draft) {
  if (draft.applicationId) return draft.mailboxConfirmed ? 'letter' : 'mailbox';
  if (draft.backupSaved) return 'submit';
  if (draft.keyId) return 'backup';
  return 'details';
}

/** Each step's state for the stepper: 'done', 'current' or 'todo'. */
export function stepStates(draft) {
  const at = APPLY_STEPS.indexOf(applyStage(draft));
  return APPLY_STEPS.map((step, i) => ({ step, state: i < at ? 'done' : i === at ? 'current' : 'todo' }));
}
