#!/usr/bin/env node
// Renders sample cards to PNG with Microsoft's own renderer (adaptivecards 3.0.6 dist bundle, Teams light host config,
// the designer's Teams container stylesheet) in headless Debian Chromium, fully offline.
//
//   node gallery.mjs <cards-dir> <out-dir> [--variant typical] [--width 600]
//
// Reads <cards-dir>/<name>.<variant>.json, writes <out-dir>/<name>.png and <out-dir>/README.md.
// Chart.* elements are not rendered by the JS SDK, so each is replaced by its fallback (what non-chart clients show).
// Network: Chromium gets the offline flags of playground.md §1.1 rule 2, and every non-localhost request is aborted.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = require("playwright-core");
const { substituteCharts } = require("./validate-card.js");

const OFFLINE_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
];

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error("usage: node gallery.mjs <cards-dir> <out-dir> [--variant typical] [--width 600]");
  process.exit(2);
}

const args = process.argv.slice(2);
let variant = "typical";
let width = 600;
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--variant") variant = args[++i] ?? usage("--variant needs a value");
  else if (args[i] === "--width") width = Number(args[++i]) || usage("--width needs a number of pixels (e.g. 360 for a phone)");
  else if (args[i].startsWith("--")) usage(`unknown option ${args[i]}`);
  else positional.push(args[i]);
}
if (positional.length !== 2) usage();
const [cardsDir, outDir] = positional;
if (!fs.existsSync(cardsDir)) usage(`no such folder: ${cardsDir}`);

const suffix = `.${variant}.json`;
const cards = fs
  .readdirSync(cardsDir)
  .filter((f) => f.endsWith(suffix))
  .sort()
  .map((f) => ({ name: f.slice(0, -suffix.length), file: path.join(cardsDir, f) }));
if (cards.length === 0) usage(`no *${suffix} files in ${cardsDir}`);

const bundle = require.resolve("adaptivecards/dist/adaptivecards.min.js");
const hostConfig = fs.readFileSync(require.resolve("adaptivecards-designer/lib/hostConfigs/microsoft-teams-light.json"), "utf8");
const teamsCss = fs.readFileSync(path.join(path.dirname(require.resolve("adaptivecards-designer/package.json")), "dist/containers/teams-container-light.css"), "utf8");

// The page: the designer's Teams frame class names with Microsoft's stylesheet, plus a small Teams-like markdown
// subset (bold, italic, strike, links, lists, backslash escapes), which is what Teams applies to TextBlocks.
const page = `<!doctype html><html><head><meta charset="utf-8"><style>
${teamsCss}
body { margin: 0; background: #F6F6F6; font-family: "Segoe UI", "Liberation Sans", "DejaVu Sans", sans-serif; }
#stage { display: inline-block; padding: 16px; background: #F6F6F6; }
.teams-inner-frame { width: ${width}px; min-width: 0; box-sizing: border-box; padding: 16px 20px 20px; }
.teams-bot-logo { background: #6264A7; border-radius: 50%; }
.teams-botNameAndTime { font-size: 12px; color: #616161; margin-bottom: 8px; }
.teams-botNameAndTime b { color: #242424; margin-right: 8px; }
.teams-hexagon-outer { transform: none; flex: 0 0 36px; height: 36px; margin-right: 10px; }
.teams-hexagon-inner { transform: none; }
.teams-bot-logo { transform: none; color: white; font: 600 13px sans-serif; display: flex; align-items: center; justify-content: center; }
</style></head><body><div id="stage"></div></body></html>`;

const renderInPage = ({ card, hostConfig, title }) => {
  const AC = window.AdaptiveCards;
  const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const inline = (text) => {
    const escapes = [];
    let s = text.replace(/\\([\\`*_{}\[\]()#+\-.!|~>&])/g, (_, c) => `\u0000${escapes.push(c) - 1}\u0000`);
    s = escapeHtml(s);
    s = s.replace(/&lt;at&gt;(.+?)&lt;\/at&gt;/g, '<span style="color:#6264A7;font-weight:600">@$1</span>');
    s = s.replace(/\[([^\]]+)\]\((https:\/\/[^)\s]+)\)/g, '<a class="ac-anchor" href="$2">$1</a>');
    s = s.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
    s = s.replace(/(^|[^\w])_([^_]+)_(?=$|[^\w])/g, "$1<em>$2</em>");
    s = s.replace(/~~([^~]+)~~/g, "<s>$1</s>");
    return s.replace(/\u0000(\d+)\u0000/g, (_, i) => escapeHtml(escapes[Number(i)]));
  };
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const paragraphs = text.split(/\n+/).map((line) => {
      const bullet = line.match(/^[-*] (.*)$/);
      return bullet ? `<ul style="margin:0;padding-left:20px"><li>${inline(bullet[1])}</li></ul>` : `<p style="margin:0">${inline(line)}</p>`;
    });
    result.outputHtml = paragraphs.join("");
    result.didProcess = true;
  };
  const adaptiveCard = new AC.AdaptiveCard();
  adaptiveCard.hostConfig = new AC.HostConfig(hostConfig);
  adaptiveCard.parse(card);
  const rendered = adaptiveCard.render();
  const stage = document.getElementById("stage");
  stage.innerHTML = "";
  const frame = document.createElement("div");
  frame.className = "teams-frame";
  frame.innerHTML = `<div class="teams-hexagon-outer"><div class="teams-hexagon-inner"><div class="teams-bot-logo">CB</div></div></div>`;
  const inner = document.createElement("div");
  inner.className = "teams-inner-frame";
  inner.innerHTML = `<div class="teams-botNameAndTime"><b>CrisisBot</b>${escapeHtml(title)}</div>`;
  const host = document.createElement("div");
  host.className = "teams-card";
  host.appendChild(rendered);
  inner.appendChild(host);
  frame.appendChild(inner);
  stage.appendChild(frame);
  return rendered.outerHTML.length;
};

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "crisisbot-gallery-"));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: OFFLINE_FLAGS,
    viewport: { width: 700, height: 900 },
    deviceScaleFactor: 1,
  });
  let blocked = 0;
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "about:" || url.hostname === "localhost" || url.hostname === "127.0.0.1") return route.continue();
    blocked++;
    return route.abort();
  });
  const tab = context.pages()[0] ?? (await context.newPage());
  await tab.setContent(page);
  await tab.addScriptTag({ path: bundle });
  fs.mkdirSync(outDir, { recursive: true });

  const rows = [];
  for (const { name, file } of cards) {
    const json = JSON.parse(fs.readFileSync(file, "utf8"));
    const card = substituteCharts(json, () => {});
    await tab.evaluate(renderInPage, { card, hostConfig: JSON.parse(hostConfig), title: `${name} · sample` });
    const png = path.join(outDir, `${name}.png`);
    await tab.locator("#stage").screenshot({ path: png });
    rows.push(name);
    console.log(`rendered ${png}`);
  }

  const readme = [
    "# Card gallery",
    "",
    "Every CrisisBot card, rendered from its `typical` sample by Microsoft's Adaptive Cards renderer",
    "(`adaptivecards` 3.0.6) with the Teams light host config and the designer's Teams stylesheet, in headless Chromium.",
    "Charts (`Chart.*`) are shown as their fallback, which is what clients without chart support display; Teams itself",
    "draws the chart. Emoji may show as boxes where the machine has no emoji font.",
    "",
    "Regenerate after changing a card: `bash tools/card-validator/gallery.sh` (see `tools/card-validator/README.md`).",
    "",
    ...rows.flatMap((name) => [`## ${name}`, "", `![${name}](${name}.png)`, ""]),
  ].join("\n");
  fs.writeFileSync(path.join(outDir, "README.md"), readme);
  console.log(`gallery: ${rows.length} cards rendered, ${blocked} non-local requests blocked`);
} finally {
  if (context) await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
