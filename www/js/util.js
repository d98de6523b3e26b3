// Small DOM and file helpers shared by the views.
export function $(root, selector) {
  return root.querySelector(selector);
}

export function download(bytesOrText, filename, type = 'application/octet-stream') {
  const blob = bytesOrText instanceof Blob ? bytesOrText : new Blob([bytesOrText], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export async function readFile(file) {
  return new Uint8Array(await file.arrayBuffer());
}

export const encodeText = (s) => new TextEncoder().encode(s);

/** Accepts files dropped on `zone` (and chosen with `input`), calling `onBytes(bytes, name)`. */
export function fileDrop(zone, input, onBytes) {
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const file = e.dataTransfer.files[0];
    if (file) onBytes(await readFile(file), file.name);
  });
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (file) onBytes(await readFile(file), file.name);
  });
}
