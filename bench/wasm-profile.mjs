// Where a wasm module's bytes go: section sizes, and the code section attributed to the Rust
// crate each function comes from (read from the name section, so give it a module that still
// has one: cargo's output before wasm-bindgen and wasm-opt, e.g.
// target/wasm32-unknown-unknown/wasm-release/inkan.wasm).
//
//   node bench/wasm-profile.mjs FILE [TOP]     prints both tables (markdown)
//   import { profileWasm } from './wasm-profile.mjs'   used by bench/run.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SECTION = { 0: 'custom', 1: 'type', 2: 'import', 3: 'function', 4: 'table', 5: 'memory', 6: 'global', 7: 'export', 8: 'start', 9: 'element', 10: 'code', 11: 'data', 12: 'data count' };

function reader(bytes, pos = 0) {
  return {
    get pos() { return pos; },
    set pos(p) { pos = p; },
    u8() { return bytes[pos++]; },
    leb() {
      let result = 0, shift = 0, b;
      do { b = bytes[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
      return result;
    },
    name() { const n = this.leb(); const s = new TextDecoder().decode(bytes.subarray(pos, pos + n)); pos += n; return s; },
  };
}

/** Enough of a Rust symbol's demangling to find its crate: legacy `_ZN` symbols become their
 *  `::` path (with `<T as der::Encode>` wrappers spelled out), v0 `_R` symbols their first
 *  crate root's name; anything else is returned as it is. */
export function demangle(symbol) {
  if (symbol.startsWith('_ZN')) {
    const parts = [];
    for (let i = 3; i < symbol.length && symbol[i] !== 'E';) {
      const len = /^\d+/.exec(symbol.slice(i));
      if (!len) break;
      i += len[0].length;
      parts.push(symbol.slice(i, i + Number(len[0])));
      i += Number(len[0]);
    }
    const unescape = (s) => s.replace(/^_\$/, '$').replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ')
      .replace(/\$RF\$/g, '&').replace(/\$C\$/g, ',').replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}').replace(/\$u5b\$/g, '[')
      .replace(/\$u5d\$/g, ']').replace(/\$BP\$/g, '*').replace(/\.\./g, '::');
    return parts.map(unescape).join('::');
  }
  if (symbol.startsWith('_R')) {
    const m = /C(?:s[0-9A-Za-z]*_)?(\d+)/.exec(symbol);
    if (m) return `${symbol.substr(m.index + m[0].length, Number(m[1]))}::`;
  }
  return symbol;
}

/** The crate a (demangled) Rust symbol belongs to: the first path segment, looking through
 *  `<T as trait::Path>` and `<crate::Type>` wrappers; C and runtime symbols by name. */
export function crateOf(name) {
  // Names demangled by wasm-bindgen/wasm-opt keep the crate hash: `dlmalloc[e24a2770]::...`.
  const symbol = name.replace(/\[[0-9a-f]{6,}\]/g, '');
  const s = symbol.replace(/^_?</, '').replace(/^&(mut )?/, '');
  const m = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(s);
  if (m) return m[1].replace(/^_+/, '');
  const as = / as ([A-Za-z_][A-Za-z0-9_]*)::/.exec(symbol);
  if (as) return as[1];
  if (/^_*(dlmalloc|rust_|rdl_|rg_)/.test(symbol)) return 'allocator';
  if (/^(memcpy|memmove|memset|memcmp|__multi3|__udivti3|__umodti3|compiler_builtins)/.test(symbol)) return 'compiler_builtins';
  if (/^(__wbg|__wbindgen|wasm_bindgen)/.test(symbol)) return 'wasm_bindgen';
  return `(other: ${symbol.slice(0, 24)})`;
}

/** Section sizes, and code bytes by crate (only when the module has a name section). */
export function profileWasm(bytes) {
  const r = reader(bytes, 8);
  const sections = new Map();
  let importedFunctions = 0;
  let bodies = [];
  const names = new Map();
  let dataSegments = 0;
  while (r.pos < bytes.length) {
    const id = r.u8();
    const size = r.leb();
    const start = r.pos;
    let label = SECTION[id] ?? `section ${id}`;
    if (id === 0) {
      const name = r.name();
      label = `custom "${name}"`;
      if (name === 'name') {
        while (r.pos < start + size) {
          const sub = r.u8();
          const subSize = r.leb();
          const subEnd = r.pos + subSize;
          if (sub === 1) {
            for (let n = r.leb(); n > 0; n--) { const idx = r.leb(); names.set(idx, r.name()); }
          }
          r.pos = subEnd;
        }
      }
    } else if (id === 2) {
      for (let n = r.leb(); n > 0; n--) {
        r.name(); r.name();
        const kind = r.u8();
        if (kind === 0) { r.leb(); importedFunctions++; }
        else if (kind === 1) { r.u8(); const f = r.u8(); r.leb(); if (f & 1) r.leb(); }
        else if (kind === 2) { const f = r.u8(); r.leb(); if (f & 1) r.leb(); }
        else if (kind === 3) { r.u8(); r.u8(); }
      }
    } else if (id === 10) {
      for (let n = r.leb(); n > 0; n--) { const len = r.leb(); bodies.push(len); r.pos += len; }
    } else if (id === 11) {
      dataSegments = r.leb();
    }
    sections.set(label, (sections.get(label) ?? 0) + size);
    r.pos = start + size;
  }
  const byCrate = new Map();
  if (names.size) {
    bodies.forEach((len, i) => {
      const crate = crateOf(demangle(names.get(importedFunctions + i) ?? ''));
      byCrate.set(crate, (byCrate.get(crate) ?? 0) + len);
    });
  }
  return {
    total: bytes.length,
    sections: [...sections].sort((a, b) => b[1] - a[1]),
    functions: bodies.length,
    dataSegments,
    byCrate: [...byCrate].sort((a, b) => b[1] - a[1]),
  };
}

/** Both tables as markdown lines, the crate table cut to `top` rows plus the rest summed. */
export function profileTables(profile, top = 15) {
  const kb = (n) => (n / 1024).toFixed(1);
  const lines = ['| section | bytes | KiB | share |', '|---|---|---|---|'];
  for (const [name, size] of profile.sections) lines.push(`| ${name} | ${size} | ${kb(size)} | ${(100 * size / profile.total).toFixed(1)} % |`);
  if (profile.byCrate.length) {
    const code = profile.byCrate.reduce((s, [, n]) => s + n, 0);
    lines.push('', `| crate (code section, ${profile.functions} functions) | bytes | KiB | share of code |`, '|---|---|---|---|');
    const shown = profile.byCrate.slice(0, top);
    const rest = profile.byCrate.slice(top).reduce((s, [, n]) => s + n, 0);
    for (const [crate, size] of shown) lines.push(`| ${crate} | ${size} | ${kb(size)} | ${(100 * size / code).toFixed(1)} % |`);
    if (rest) lines.push(`| ${profile.byCrate.length - top} more | ${rest} | ${kb(rest)} | ${(100 * rest / code).toFixed(1)} % |`);
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) { console.error('usage: node bench/wasm-profile.mjs FILE [TOP]'); process.exit(2); }
  console.log(profileTables(profileWasm(readFileSync(file)), Number(top ?? 15)).join('\n'));
}
