// One small driver-neutral page API over the three engines the suite drives:
//   chromium  Debian's Chromium via playwright-core (CDP): request bodies visible
//   firefox   Firefox ESR via puppeteer-core over WebDriver BiDi: request URLs, and bodies
//             through BiDi network.getData (puppeteer's request data collector)
//   webkit    WebKitGTK's MiniBrowser via selenium-webdriver + WebKitWebDriver under xvfb-run:
//             no request log at all (classic WebDriver has none)
// Every page operation goes through `evaluate` (a function's source + JSON arguments, run in the
// page), so the flows are written once; only opening, clicking, typing keys, downloads,
// screenshots and window size are engine-specific. Waits poll a condition, never a fixed time.
// `page.frame(selector, ready)` gives the same API inside an iframe (the widget's cross-origin
// frames): Playwright and puppeteer frames directly, WebDriver by switching browsing context.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { launchChromium, tmp, freePort, ROOT } from './harness.mjs';

export const ENGINES = ['chromium', 'firefox', 'webkit'];
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Where a failing step's screenshot goes (git-ignored). */
export const FAILURE_DIR = join(ROOT, 'tests', '.out', 'failures');

const until = async (what, check, timeout = 30_000) => {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100)); // polling interval, not a wait for time to pass
  }
};

/**
 * The files in `dir` with their modification times, after moving earlier downloads aside: a
 * product file name that repeats (the backup is named by date) then never collides — WebKitGTK
 * would otherwise overwrite or refuse, Firefox add " (1)".
 */
let setAside = 0;
const listing = (dir) => {
  const aside = `${dir}-${++setAside}`;
  mkdirSync(aside);
  for (const n of readdirSync(dir)) renameSync(join(dir, n), join(aside, n));
  return new Map(readdirSync(dir).map((n) => [n, statSync(join(dir, n)).mtimeMs]));
};

/**
 * A finished download in `dir`, new or rewritten since `before` (WebKitGTK overwrites a file of
 * the same name, Firefox adds " (1)"); partial files have their own suffixes.
 */
function newDownload(dir, before) {
  const partial = /\.(part|crdownload|download|wkdownload)$|^\./;
  const seen = new Map();
  return until(`a download in ${dir}`, () => {
    for (const name of readdirSync(dir)) {
      if (partial.test(name)) continue;
      if (before.has(name) && before.get(name) === statSync(join(dir, name)).mtimeMs) continue;
      const size = statSync(join(dir, name)).size;
      // Complete when its size is non-zero and unchanged since the last look.
      if (size > 0 && seen.get(name) === size && !readdirSync(dir).some((n) => partial.test(n) && n.startsWith(name))) {
        const kept = join(tmp('inkan-download-'), name); // stays put when later downloads are set aside
        copyFileSync(join(dir, name), kept);
        return kept;
      }
      seen.set(name, size);
    }
    return undefined;
  }, 90_000);
}

// In-page helpers, by source text (they are sent with every `evaluate`).
const PAGE_HELPERS = `
  const $ = (s) => document.querySelector(s);
  const shown = (e) => !!e && (e.checkVisibility ? e.checkVisibility() : e.getClientRects().length > 0);
  const setValue = (e, v) => {
    const proto = e instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : e instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    e.focus();
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(e, v);
    e.dispatchEvent(new InputEvent('input', { bubbles: true, data: v, inputType: 'insertText' }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const fileOf = (name, b64, type) => new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type });
`;

/** The page API shared by all engines; `impl` supplies the engine-specific primitives. */
class Page {
  /** `parent`/`frameSelector`: set for a frame's document (see `frame`). */
  constructor(engine, impl, parent = null, frameSelector = null) { Object.assign(this, { engine, impl, parent, frameSelector }); }
  /** Runs `fn(...args)` in the page (awaits a returned promise); args and result are JSON. */
  evaluate(fn, ...args) {
    return this.impl.evaluate(`(async () => { ${PAGE_HELPERS} return await (${fn})(...${JSON.stringify(args)}); })()`);
  }
  goto(url) { return this.impl.goto(url); }
  reload() { return this.impl.reload(); }
  /**
   * `url` in a new document: go there, then reload. The reload waits until the route's view has
   * loaded: a hash change starts the view's module imports, and reloading in the middle of them
   * made Firefox report the aborted, service-worker-intercepted import as a page error.
   */
  async open(url) {
    await this.impl.goto(url);
    const route = new URL(url).hash.replace(/^#\/?/, '').split('?')[0] || 'home';
    await this.waitUntil(`the ${route} view to load`, (r) => document.documentElement.dataset.route === r, [route]);
    await this.impl.reload();
  }
  async waitFor(selector, { state = 'visible', timeout = 30_000 } = {}) {
    await until(`${selector} to be ${state}`, () => this.evaluate((s, st) => {
      const e = $(s);
      return st === 'attached' ? !!e : st === 'hidden' ? !shown(e) : shown(e);
    }, selector, state), timeout);
  }
  waitUntil(what, fn, args = [], timeout = 30_000) { return until(what, () => this.evaluate(fn, ...args), timeout); }
  visible(selector) { return this.evaluate((s) => shown($(s)), selector); }
  text(selector) { return this.evaluate((s) => $(s)?.textContent ?? null, selector); }
  value(selector) { return this.evaluate((s) => $(s)?.value ?? null, selector); }
  attr(selector, name) { return this.evaluate((s, n) => $(s)?.getAttribute(n) ?? null, selector, name); }
  /** Sets a field's value as a paste would (input + change events): any text, any script. */
  async fill(selector, text) {
    await this.waitFor(selector, { state: 'attached' });
    await this.evaluate((s, v) => setValue($(s), v), selector, text);
  }
  async select(selector, value) {
    await this.waitUntil(`option ${value} in ${selector}`, (s, v) => !!$(s)?.querySelector(`option[value="${v}"]`), [selector, value]);
    await this.evaluate((s, v) => setValue($(s), v), selector, value);
  }
  /** A real click (the engine's input events) on a visible element. */
  async click(selector) {
    await this.waitFor(selector);
    // Where the element's centre is in the window, after scrolling it to the middle. In a frame
    // that is as tall as its content the element is "in view" of the frame only: the top page
    // scrolls it into the window too (WebKitWebDriver clicks outside the window miss).
    const place = async () => {
      const y = await this.evaluate((s) => { const e = $(s); e.scrollIntoView({ block: 'center' }); const r = e.getBoundingClientRect(); return r.top + r.height / 2; }, selector);
      if (!this.parent) return y;
      return this.parent.evaluate((f, top) => {
        window.scrollBy(0, $(f).getBoundingClientRect().top + top - innerHeight / 2);
        return $(f).getBoundingClientRect().top + top;
      }, this.frameSelector, y);
    };
    // Click only once the element stays put: a frame resizing to its content (or a view
    // re-rendering) moved it between the scroll and the click, and WebKitWebDriver's click then
    // landed beside the button (the widget's Confirm, once, in a full run).
    let last = null;
    await until(`${selector} to stay in place`, async () => {
      const now = await place();
      const still = last !== null && Math.abs(now - last) < 1;
      last = now;
      return still;
    }, 10_000);
    await this.impl.click(selector);
  }
  /** Real key presses: `keys` is text to type, or one named key ('Tab', 'Enter', 'Space', 'Shift+Tab'). */
  press(key) { return this.impl.press(key); }
  typeText(text) { return this.impl.typeText(text); }
  /** Tabs (real key presses) until `selector` has focus; fails after `max` presses. */
  async tabTo(selector, max = 80) {
    for (let i = 0; i < max; i++) {
      if (await this.evaluate((s) => document.activeElement === $(s), selector)) return;
      await this.press('Tab');
    }
    throw new Error(`${selector} not reached with ${max} Tab presses`);
  }
  /** Gives an <input type=file> a file (as the file chooser does). */
  async setFile(selector, path, type = 'application/octet-stream') {
    await this.evaluate((s, name, b64, t) => {
      const dt = new DataTransfer();
      dt.items.add(fileOf(name, b64, t));
      const input = $(s);
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, selector, basename(path), readFileSync(path).toString('base64'), type);
  }
  /** Drops a file on `selector` (dragenter/dragover/drop with a DataTransfer holding it). */
  async dropFile(selector, path, type = 'application/octet-stream') {
    await this.evaluate((s, name, b64, t) => {
      const dt = new DataTransfer();
      dt.items.add(fileOf(name, b64, t));
      const zone = $(s);
      for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, selector, basename(path), readFileSync(path).toString('base64'), type);
  }
  /** Clicks `selector` (or runs `action`) and returns the path of the file the page downloaded. */
  download(selector, action = () => this.click(selector)) { return this.impl.download(selector, action); }
  setViewport(width, height) { return this.impl.setViewport(width, height); }
  /** A PNG of the whole page at the current width. */
  screenshot(path) { return this.impl.screenshot(path); }
  /**
   * What the engine lets the test see of the requests so far (every frame's):
   * { visibility: 'bodies' | 'urls' | 'none', requests: [{url, method, body}] | undefined }.
   * Waits for bodies the engine hands over after the request (Firefox: BiDi network.getData).
   */
  requestLog() { return this.impl.requestLog(); }
  get errors() { return this.impl.errors; }
  /**
   * The document of the iframe `selector` (e.g. the widget's cross-origin frame), once `ready`
   * is in it, as a Page: evaluate, fill, click and downloads act inside the frame; keys go to
   * whatever has focus; a screenshot is of the whole top page.
   */
  async frame(selector, ready) {
    await this.waitFor(selector, { state: 'attached' });
    const inner = new Page(this.engine, await this.impl.frame(selector), this, selector);
    await inner.waitFor(ready, { state: 'attached' });
    return inner;
  }
  close() { return this.impl.close(); }
}

// ---------------------------------------------------------------------------------------------

async function chromium() {
  const context = await launchChromium();
  const version = context.browser()?.version() ?? execFileSync(process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
  return {
    version,
    async newPage() {
      const page = await context.newPage();
      const requests = [];
      page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() ?? Buffer.alloc(0) }));
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', (d) => d.accept());
      // `target` is the page or one of its frames (a Playwright Frame has the same calls).
      const impl = (target) => ({
        errors,
        requestLog: async () => ({ visibility: 'bodies', requests }),
        evaluate: (src) => target.evaluate(src),
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        click: (s) => target.click(s),
        press: (k) => page.keyboard.press(k === 'Space' ? ' ' : k),
        typeText: (t) => page.keyboard.type(t),
        async download(_s, click) {
          const [d] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), click()]);
          const path = join(tmp('inkan-chromium-dl-'), d.suggestedFilename());
          await d.saveAs(path);
          return path;
        },
        setViewport: (width, height) => page.setViewportSize({ width, height }),
        screenshot: async (path) => writeFileSync(path, await page.screenshot({ fullPage: true })),
        async frame(selector) { return impl(await (await target.waitForSelector(selector, { state: 'attached' })).contentFrame()); },
        close: () => page.close(),
      });
      return new Page('chromium', impl(page));
    },
    close: () => context.close(),
  };
}

async function firefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const home = tmp('inkan-ff-home-');
  const downloads = tmp('inkan-ff-dl-');
  const browser = await puppeteer.launch({
    // A fresh profile's first start took over puppeteer's default 30 s on a loaded host.
    browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: tmp('inkan-ff-profile-'), timeout: 120_000,
    env: { ...process.env, HOME: home, TMPDIR: home, XDG_CONFIG_HOME: home },
    // After a download Firefox opens its downloads panel, which holds the window's focus: the
    // page then gets typed text but a Space or Enter no longer activates a button. A person
    // closes the panel; the driver cannot see it, so it is not opened.
    extraPrefsFirefox: { 'browser.download.alwaysOpenPanel': false },
  });
  const version = await browser.version();
  const context = await browser.createBrowserContext({ downloadBehavior: { policy: 'allow', downloadPath: downloads } });
  return {
    version,
    async newPage() {
      const page = await context.newPage();
      // A background tab's document has no focus, and then nothing matches :focus-visible.
      await page.bringToFront();
      const requests = [];
      const bodies = [];
      page.on('request', (r) => {
        const entry = { url: r.url(), method: r.method(), body: Buffer.alloc(0) };
        requests.push(entry);
        // BiDi hands a request's body over on request (network.getData, collected by puppeteer's
        // data collector) where this Firefox implements it; 'urls' where it does not.
        if (r.hasPostData()) {
          bodies.push(r.fetchPostData().then((b) => { entry.body = Buffer.from(b ?? ''); return b !== undefined; }, () => false));
        }
      });
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('dialog', (d) => d.accept());
      const keyName = (k) => (k === 'Space' ? ' ' : k);
      const impl = (target) => ({
        errors,
        async requestLog() {
          const got = await Promise.all(bodies);
          return { visibility: got.length > 0 && got.every(Boolean) ? 'bodies' : 'urls', requests };
        },
        evaluate: (src) => target.evaluate(src),
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        click: (s) => target.click(s),
        async press(k) {
          if (k.startsWith('Shift+')) { await page.keyboard.down('Shift'); await page.keyboard.press(keyName(k.slice(6))); await page.keyboard.up('Shift'); } else await page.keyboard.press(keyName(k));
        },
        typeText: (t) => page.keyboard.type(t),
        async download(_s, click) {
          const before = listing(downloads);
          await click();
          return newDownload(downloads, before);
        },
        setViewport: (width, height) => page.setViewport({ width, height }),
        screenshot: async (path) => writeFileSync(path, await page.screenshot({ fullPage: true })),
        async frame(selector) { return impl(await (await target.waitForSelector(selector)).contentFrame()); },
        close: () => page.close(),
      });
      return new Page('firefox', impl(page));
    },
    close: () => browser.close(),
  };
}

async function webkit() {
  const { Builder, By, Key } = await import('selenium-webdriver');
  const home = tmp('inkan-webkit-home-');
  const downloads = join(home, 'Downloads');
  mkdirSync(downloads);
  mkdirSync(join(home, '.config', 'gtk-3.0'), { recursive: true });
  // MiniBrowser's toolbar (back, forward, address bar, zoom…) made the narrowest window 447 px:
  // shrunk to nothing by the user style sheet GTK reads, so the page can be 390 px wide like a
  // phone. Only the browser's own chrome is styled; the page is drawn by WebKit.
  writeFileSync(join(home, '.config', 'gtk-3.0', 'gtk.css'),
    'toolbar, toolbar *, headerbar, headerbar *, entry, button, button * { min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; font-size: 1px; -gtk-icon-style: symbolic; }\n');
  writeFileSync(join(home, '.config', 'user-dirs.dirs'), `XDG_DOWNLOAD_DIR="${downloads}"\n`);
  const port = await freePort();
  const driverProc = spawn('xvfb-run', ['-a', '-s', '-screen 0 1400x8200x24', 'WebKitWebDriver', `--port=${port}`], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), TMPDIR: home }, stdio: 'ignore', detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await until('WebKitWebDriver to start', async () => { try { return (await fetch(`${url}/status`)).ok; } catch { return false; } });
  const driver = await new Builder().usingServer(url).withCapabilities({
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
  }).build();
  const caps = await driver.getCapabilities();
  const version = `WebKitGTK ${caps.get('browserVersion')}`;
  const KEYS = { Tab: Key.TAB, Enter: Key.ENTER, Space: Key.SPACE, Escape: Key.ESCAPE, ArrowDown: Key.ARROW_DOWN, ArrowUp: Key.ARROW_UP };
  let viewport = { width: 1280, height: 900 };
  // The window's outer size is what WebDriver sets; make the page's viewport `width` × `height`.
  const sizeViewport = async (width, height) => {
    await use(null);
    const sizes = () => driver.executeScript('return [innerWidth, innerHeight, outerWidth, outerHeight]');
    // The window takes its new size asynchronously: reading innerHeight right after setRect
    // could give the old one (after an 8000 px screenshot, a negative correction). Wait until
    // the page sees the window size that was set.
    const setOuter = async (w, h) => {
      await driver.manage().window().setRect({ width: w, height: h });
      // The outer size lands before the inner one: after a tall screenshot innerHeight can
      // still be 8000 in a 900 px window (the correction below then went negative: "Invalid
      // height value"). Wait until the viewport fits inside the window too.
      return until(`a ${w}×${h} window`, async () => {
        const s = await sizes();
        return s[2] === w && s[3] === h && s[0] <= w && s[1] <= h ? s : null;
      }, 10_000);
    };
    const s = await setOuter(width, height);
    if (s[0] !== width || s[1] !== height) await setOuter(width + s[2] - s[0], height + s[3] - s[1]);
  };
  const errors = [];
  // Classic WebDriver runs commands in one browsing context at a time: each page or frame
  // switches to its own before a command (null: the top-level document).
  let current = null;
  const use = async (frameSelector) => {
    if (current === frameSelector) return;
    await driver.switchTo().defaultContent();
    if (frameSelector) await driver.switchTo().frame(await driver.findElement(By.css(frameSelector)));
    current = frameSelector;
  };
  const impl = (frameSelector) => ({
    errors,
    // Classic WebDriver shows the test no requests at all.
    requestLog: async () => ({ visibility: 'none', requests: undefined }),
    evaluate: async (src) => { await use(frameSelector); return driver.executeScript(`return ${src}`); },
    goto: async (u) => { await use(null); await driver.get(u); },
    reload: async () => { await use(null); await driver.navigate().refresh(); },
    click: async (s) => { await use(frameSelector); await (await driver.findElement(By.css(s))).click(); },
    async press(k) {
      const a = driver.actions();
      if (k.startsWith('Shift+')) await a.keyDown(Key.SHIFT).sendKeys(KEYS[k.slice(6)]).keyUp(Key.SHIFT).perform();
      else await a.sendKeys(KEYS[k] ?? k).perform();
    },
    typeText: (t) => driver.actions().sendKeys(t).perform(),
    async download(_s, click) {
      const before = listing(downloads);
      await click();
      return newDownload(downloads, before);
    },
    async setViewport(width, height) { viewport = { width, height }; await sizeViewport(width, height); },
    async screenshot(path) {
      await use(null);
      // Classic WebDriver captures the viewport: grow the window to the page's height first.
      const full = Math.min(8000, await driver.executeScript('return document.documentElement.scrollHeight'));
      await sizeViewport(viewport.width, Math.max(viewport.height, full));
      await driver.executeScript('window.scrollTo(0, 0)'); // a click may have scrolled the page
      writeFileSync(path, Buffer.from(await driver.takeScreenshot(), 'base64'));
      await sizeViewport(viewport.width, viewport.height);
    },
    // One level of frames (the widget's): a frame's selector is looked up in the top document.
    async frame(selector) {
      if (frameSelector) throw new Error('nested frames are not supported by this driver wrapper');
      return impl(selector);
    },
    close: async () => { await use(null); await driver.get('about:blank'); },
  });
  return {
    version,
    async newPage() { return new Page('webkit', impl(null)); },
    async close() {
      await driver.quit().catch(() => {});
      try { process.kill(-driverProc.pid); } catch { /* gone */ }
    },
  };
}

/** Launches `engine`; resolves to { engine, version, newPage(), close() }. */
export async function launch(engine) {
  const b = await { chromium, firefox, webkit }[engine]();
  return { engine, ...b };
}

/**
 * Runs one step of a flow; a failure names the engine, the flow and the step, and saves a
 * screenshot of the page at that moment, whose path is in the message.
 */
export function stepper(page, flow) {
  return async function step(name, fn) {
    try {
      return await fn();
    } catch (e) {
      mkdirSync(FAILURE_DIR, { recursive: true });
      const shot = join(FAILURE_DIR, `${page.engine}-${flow}-${name}`.replace(/[^\w.-]+/g, '_') + '.png');
      let where = shot;
      try { await page.screenshot(shot); } catch (s) { where = `(no screenshot: ${s.message})`; }
      const err = new Error(`[${page.engine}] ${flow} › ${name}: ${e.message}\n  screenshot: ${where}`);
      err.cause = e;
      throw err;
    }
  };
}

export { until, copyFileSync, existsSync };
