// Where the pending key waits between apply and receive: IndexedDB, as encrypted PKCS#8 only
// (the PIN never is stored). Drafts of forms (no secrets) live in localStorage so a reload
// loses nothing already typed.
const DB_NAME = 'inkan';
const STORE = 'pending-keys';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

// When the browser refuses IndexedDB (a cross-site frame whose storage it blocks, some private
// modes), pending keys live in this page's memory only: the flow still works within the page,
// and the backup file (which apply insists on) is the copy that lasts.
const memory = new Map();
const memoryStore = {
  put: (record) => { memory.set(record.id, structuredClone(record)); return { result: record.id }; },
  get: (id) => ({ result: structuredClone(memory.get(id)) }),
  delete: (id) => { memory.delete(id); return { result: undefined }; },
  getAll: () => ({ result: [...memory.values()].map((r) => structuredClone(r)) }),
};
let inMemory = false;

/** Whether pending keys are kept in memory because IndexedDB was refused. */
export const keysInMemory = () => inMemory;

async function tx(mode, fn) {
  let db;
  try {
    db = inMemory ? null : await open();
  } catch (e) {
    if (!(e instanceof DOMException)) throw e;
    inMemory = true;
  }
  if (!db) return fn(memoryStore)?.result;
  try {
    return await new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = fn(t.objectStore(STORE));
      t.oncomplete = () => resolve(result?.result ?? result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error ?? new Error('aborted'));
    });
  } finally {
    db.close();
  }
}

/**
 * record: { id, product, algorithm, encryptedPem, applicationId?, createdAt }
 * Storing a key also asks the browser to keep this site's storage under pressure
 * (`navigator.storage.persist()`; Chromium decides by itself, Firefox may ask the person,
 * Safari 17+ decides by itself). It cannot stop Safari's rule that deletes script-written
 * storage after 7 days of use without a visit — that is why the backup file is required
 * before submitting (README, browser support).
 */
export const putKey = async (record) => {
  await tx('readwrite', (s) => { s.put(record); });
  requestPersistence();
};

let persistenceAsked = false;
function requestPersistence() {
  if (persistenceAsked || !navigator.storage?.persist) return;
  persistenceAsked = true;
  // Not awaited: the answer (or a prompt left open) must not hold up the apply flow.
  navigator.storage.persisted().then((yes) => (yes ? true : navigator.storage.persist())).catch(() => {});
}
export const getKey = (id) => tx('readonly', (s) => s.get(id));
export const deleteKey = (id) => tx('readwrite', (s) => { s.delete(id); });
export const allKeys = () => tx('readonly', (s) => s.getAll());

export async function keyForApplication(applicationId) {
  return (await allKeys()).find((r) => r.applicationId === applicationId);
}

export function loadDraft(name) {
  try { return JSON.parse(localStorage.getItem(`inkan.draft.${name}`)) ?? {}; } catch { return {}; }
}
export function saveDraft(name, draft) {
  localStorage.setItem(`inkan.draft.${name}`, JSON.stringify(draft));
}
export function clearDraft(name) {
  localStorage.removeItem(`inkan.draft.${name}`);
}

// The download password shown on the apply page lives only in this tab (sessionStorage): a
// reload shows the same one until the applicant has kept the letter, and it never reaches
// localStorage, IndexedDB or the draft. One per draft (the site's apply page, the widget's frame).
const downloadPasswordKey = (draftName) => `inkan.dlpw.${draftName}`;

/** The draft's download password, made by `make()` the first time and kept for this tab. */
export function downloadPasswordFor(draftName, make) {
  let pw = sessionStorage.getItem(downloadPasswordKey(draftName));
  if (!pw) { pw = make(); sessionStorage.setItem(downloadPasswordKey(draftName), pw); }
  return pw;
}
/** The draft's download password if it is still kept, else null (the letter has been kept). */
export const keptDownloadPassword = (draftName) => sessionStorage.getItem(downloadPasswordKey(draftName));
/** Forgets the draft's download password (the letter is kept, or the application started over). */
export const forgetDownloadPassword = (draftName) => sessionStorage.removeItem(downloadPasswordKey(draftName));
