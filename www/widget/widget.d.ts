// The custom elements and events of widget.js.
export interface InkanErrorDetail { code: string; message?: { ja: string; en: string } }
export interface InkanCsrDetail { pem: string; product: string }
export interface InkanApplicationDetail { id: string; status: string; product: string }
export interface InkanP12Detail { bytes: Uint8Array; profile: 'modern' | 'legacy'; filename: string; findings: unknown[]; applicationId: string }
export interface InkanWidgetElement extends HTMLElement { locale?: 'ja' | 'en' }
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
