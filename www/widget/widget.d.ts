// The custom elements and events of widget.js. Each element is an <iframe> of the Inkan
// worker's embed page; the events are what that frame reports (no secrets, no .p12 bytes).
export interface InkanErrorDetail { code: string; message: { ja: string; en: string } }
export interface InkanCsrDetail { pem: string; product: string }
export interface InkanApplicationDetail { id: string; status: string; product: string }
/** The applicant saved the .p12 inside the frame; its bytes never reach the host page. */
export interface InkanP12Detail { applicationId: string; profile: 'modern' | 'legacy'; filename: string }
/** The theme names read from `--inkan-<name>` custom properties on the element. */
export type InkanThemeName =
  | 'ink' | 'muted' | 'paper' | 'wash' | 'line' | 'accent' | 'accent-hover' | 'accent-ink' | 'seal' | 'ok' | 'focus'
  | 'font' | 'radius';
export declare const THEME: readonly InkanThemeName[];
export interface InkanWidgetElement extends HTMLElement {
  /** The allow-listed theme values currently set on the element. */
  theme(): Partial<Record<InkanThemeName, string>>;
}
declare global {
  interface HTMLElementTagNameMap {
    'inkan-enroll': InkanWidgetElement;
    'inkan-receive': InkanWidgetElement;
    'inkan-expiry': InkanWidgetElement;
  }
  interface DocumentEventMap {
    'inkan:csr': CustomEvent<InkanCsrDetail>;
    'inkan:application': CustomEvent<InkanApplicationDetail>;
    'inkan:mailbox-confirmed': CustomEvent<{ id: string }>;
    'inkan:p12': CustomEvent<InkanP12Detail>;
    'inkan:error': CustomEvent<InkanErrorDetail>;
    'inkan:key-removed': CustomEvent<{ applicationId: string }>;
  }
}
