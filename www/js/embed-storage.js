// Imported first by js/embed.js. A cross-site frame may be refused its storage outright
// (Chromium with third-party cookies blocked — the default in some modes and versions — throws
// on `localStorage`, and IndexedDB fails to open). Then drafts and the download password live
// in this page's memory (as sessionStorage would, minus reloads) and js/store.js keeps the
// pending key in memory too; the frame says so, and the backup file is the copy that lasts.

function refused(get) {
  try {
    const storage = get();
    const probe = '__inkan_probe__';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return false;
  } catch {
    return true;
  }
}

/** A Storage that forgets everything when the page goes. */
class MemoryStorage {
  #items = new Map();
  get length() { return this.#items.size; }
  key(i) { return [...this.#items.keys()][i] ?? null; }
  getItem(k) { return this.#items.has(String(k)) ? this.#items.get(String(k)) : null; }
  setItem(k, v) { this.#items.set(String(k), String(v)); }
  removeItem(k) { this.#items.delete(String(k)); }
  clear() { this.#items.clear(); }
}

/** Whether this frame's storage was refused (and replaced by memory). */
export const storageRefused = refused(() => window.localStorage) || refused(() => window.sessionStorage);

if (storageRefused) {
  for (const name of ['localStorage', 'sessionStorage']) {
    Object.defineProperty(window, name, { value: new MemoryStorage(), configurable: true });
  }
}
