// The apply flow's stage is a pure function of the draft (www/js/views/apply-stage.js): every
// combination of what the applicant has done maps to the step the page shows, and the stepper
// marks exactly the steps before it as done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APPLY_STEPS, applyStage, stepStates } from '../../www/js/views/apply-stage.js';

const cases = [
  // [draft, expected stage]
  [{}, 'details'],
  [{ keyId: 'k1' }, 'backup'],
  [{ keyId: 'k1', backupSaved: true }, 'submit'],
  [{ keyId: 'k1', backupSaved: true, applicationId: 'a1' }, 'mailbox'],
  [{ keyId: 'k1', backupSaved: true, applicationId: 'a1', mailboxConfirmed: true }, 'letter'],
  // A submitted application decides, whatever else the draft says (e.g. the key was removed
  // after the letter was kept): the applicant is past the key steps.
  [{ applicationId: 'a1' }, 'mailbox'],
  [{ applicationId: 'a1', mailboxConfirmed: true }, 'letter'],
];

test('the stage follows the draft', () => {
  for (const [draft, stage] of cases) assert.equal(applyStage(draft), stage, JSON.stringify(draft));
});

test('the stepper: steps before the stage are done, the stage is current, the rest to do', () => {
  for (const [draft, stage] of cases) {
    const states = stepStates(draft);
    assert.deepEqual(states.map((s) => s.step), APPLY_STEPS);
    const at = APPLY_STEPS.indexOf(stage);
    assert.deepEqual(states.map((s) => s.state), APPLY_STEPS.map((_, i) => (i < at ? 'done' : i === at ? 'current' : 'todo')));
    assert.equal(states.filter((s) => s.state === 'current').length, 1);
  }
  // Making the key completes 'details' and 'key' together.
  assert.deepEqual(stepStates({ keyId: 'k1' }).slice(0, 3).map((s) => s.state), ['done', 'done', 'current']);
});
