// Types of the page-side API (js/client.js): every operation runs in Inkan's Web Worker.
export declare class InkanError extends Error {
  readonly code: string;
  readonly ja: string;
  readonly en: string;
  readonly fatal: boolean;
  /** A text the page writes (messages/<lang>/<area>.json): its key and arguments. */
  readonly key?: string;
  readonly vars?: Record<string, unknown>;
  text(lang: 'ja' | 'en'): string;
}
export interface Progress { done: number; total: number }
export type Op =
  | 'version' | 'generateKey' | 'importKey' | 'keyFromPkcs12' | 'dropKey' | 'exportEncryptedKey' | 'publicKey'
  | 'createCsr' | 'matchesCertificate' | 'buildPkcs12' | 'openPkcs12' | 'repackPkcs12' | 'parseCertificates'
  | 'parseCsr' | 'inspect' | 'tryPasswords' | 'expiryPlan' | 'expiryIcs' | 'advise' | 'advisorQuestions' | 'products';
/** Runs `op` in the worker; keys are numeric handles, never bytes. */
export declare function call<T = unknown>(op: Op, args?: Record<string, unknown>, options?: { transfer?: Transferable[]; onProgress?: (p: Progress) => void }): Promise<T>;
export declare function warmUp(): Promise<unknown>;
export declare function products(): Promise<unknown[]>;
export declare function asInkanError(e: unknown): InkanError;
