// Accessibility check for a folder written by `aarshjul publiser`.
//
//   node tests/a11y/axe.mjs MAPPE [--screenshots DOCS]
//
// Every *.html page is opened from file:// in headless Chromium (playwright-core,
// the system's /usr/bin/chromium or $CHROMIUM) and checked three ways:
//   1. axe-core with the WCAG 2.1 A and AA rules: zero violations;
//   2. reflow (WCAG 1.4.10): no horizontal scrolling at 320 and 640 CSS px wide
//      (640 px is a 1280 px window at 200 % zoom);
//   3. keyboard: the first Tab lands on the visible skip link.
// No request leaves the machine: anything but file: is aborted and reported.
// Exit status 0 when every page passes, 1 otherwise, 2 on a setup problem.

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = process.argv.slice(2);
const folder = args[0];
const shotsIndex = args.indexOf("--screenshots");
const shotsDir = shotsIndex >= 0 ? args[shotsIndex + 1] : null;
if (!folder) {
  console.error("Bruk: node axe.mjs MAPPE [--screenshots MAPPE]");
  process.exit(2);
}
const pages = readdirSync(folder).filter((n) => n.endsWith(".html")).sort();
if (pages.length === 0) {
  console.error(`Ingen HTML-sider i «${folder}».`);
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const external = [];
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith("file:")) return route.continue();
  external.push(url);
  return route.abort();
});

let failures = 0;
const page = await context.newPage();
for (const name of pages) {
  const url = pathToFileURL(resolve(join(folder, name))).href;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    }),
  );
  const problems = [];
  for (const v of result.violations) {
    for (const node of v.nodes.slice(0, 3)) {
      problems.push(`${v.id} (${v.impact}): ${v.help} – ${node.target.join(" ")}`);
    }
  }
  for (const width of [320, 640]) {
    await page.setViewportSize({ width, height: 800 });
    const [scroll, client] = await page.evaluate(() => [
      document.documentElement.scrollWidth, document.documentElement.clientWidth,
    ]);
    if (scroll > client) problems.push(`reflow: ${scroll} px innhold i ${width} px vindu (vannrett rulling)`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url);
  await page.keyboard.press("Tab");
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    const box = el ? el.getBoundingClientRect() : null;
    const style = el ? getComputedStyle(el) : null;
    return {
      skip: !!el && el.classList.contains("hopp"),
      visible: !!box && box.left >= 0 && box.top >= 0 && box.width > 0,
      outline: !!style && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
  });
  if (!focus.skip) problems.push("tastatur: første Tab går ikke til «Hopp til innholdet»");
  else if (!focus.visible || !focus.outline) problems.push("tastatur: fokus på hopp-lenken er ikke synlig");

  if (problems.length) {
    failures += 1;
    console.log(`FEIL ${name}`);
    for (const p of problems) console.log(`  ${p}`);
  } else {
    console.log(`ok   ${name}`);
  }
}

if (shotsDir) {
  const targets = [["index.html", "nettside-forside"], ["virksomhet-barnehage.html", "nettside-barnehage"]];
  for (const [name, stem] of targets) {
    if (!pages.includes(name)) continue;
    for (const [width, height] of [[1280, 1600], [375, 1400]]) {
      await page.setViewportSize({ width, height });
      await page.goto(pathToFileURL(resolve(join(folder, name))).href);
      const file = join(shotsDir, `${stem}-${width}.png`);
      await page.screenshot({ path: file });
      console.log(`skjermbilde ${file}`);
    }
  }
}

await browser.close();
if (external.length) {
  failures += 1;
  console.log(`FEIL: forespørsler ut av mappen: ${[...new Set(external)].join(", ")}`);
}
console.log(failures ? `a11y: ${failures} av ${pages.length} sider har feil` : `a11y: ${pages.length} sider uten feil (WCAG 2.1 AA)`);
process.exit(failures ? 1 : 0);
