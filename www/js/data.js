// Data the site build generated from the wasm (scripts/site-data.mjs → data/advisor.json):
// the advisor's questions and the product catalog, in both languages, exactly as the wasm's
// advisorQuestions() and products() return them. Views paint from it without waiting for the
// 1.5 MB wasm; when it cannot be read (a checkout without a build) they ask the wasm instead.
const DATA_URL = new URL('../data/advisor.json', import.meta.url);
let dataPromise;

/** { version, questions, products } from data/advisor.json; rejects when it cannot be read. */
export function siteData() {
  dataPromise ??= fetch(DATA_URL).then(async (response) => {
    if (!response.ok) throw new Error(`${DATA_URL.pathname}: HTTP ${response.status}`);
    const data = await response.json();
    if (!Array.isArray(data?.questions) || !Array.isArray(data?.products)) throw new Error(`${DATA_URL.pathname}: unexpected content`);
    return data;
  }).catch((e) => { dataPromise = undefined; throw e; });
  return dataPromise;
}
