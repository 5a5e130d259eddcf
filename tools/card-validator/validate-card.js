#!/usr/bin/env node
// Checks Adaptive Cards the way Teams will read them, with Microsoft's own parser.
//
//   node validate-card.js [--strict] [--schema adaptive-card.json] [--data data.json]
//                         [--max-version 1.5] [--host-config f.json] <card.json | dir>...
//
// Layers (each finding is tagged):
//   [sdk]      adaptivecards 3.0.6 (dist bundle): parse with SerializationContext(maxVersion) + validateProperties(),
//              with the Teams host config (adaptivecards-designer lib/hostConfigs/microsoft-teams-light.json).
//   [schema]   the official Adaptive Card JSON Schema, only with --schema (ajv 8, draft-06).
//   [template] adaptivecards-templating expansion when X.json has a sibling X.data.json (or --data).
//   [teams]    our rules: top-level version present and a string; every Action.Execute has a verb; refresh.userIds <= 60;
//              every Chart.* element has an object fallback and non-empty data. Charts are unknown to the SDK and
//              the schema, so both see the card with each chart replaced by its fallback (what non-chart clients show).
// Exit: 0 no errors, 1 errors (or warnings with --strict), 2 usage error. Last line: "cards: N passed, N failed".
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const USAGE =
  "usage: node validate-card.js [--strict] [--schema file] [--data file] [--max-version 1.5] [--host-config file] <card.json|dir>...";

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { strict: false, schema: null, data: null, maxVersion: "1.5", hostConfig: null, inputs: [] };
  const withValue = { "--schema": "schema", "--data": "data", "--max-version": "maxVersion", "--host-config": "hostConfig" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--strict") options.strict = true;
    else if (arg === "--help" || arg === "-h") usage();
    else if (withValue[arg]) {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      options[withValue[arg]] = argv[++i];
    } else if (arg.startsWith("--")) usage(`unknown option ${arg}`);
    else options.inputs.push(arg);
  }
  if (options.inputs.length === 0) usage("no card files or folders given");
  return options;
}

function readJsonFile(file, what) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    usage(`cannot read ${what} ${file}: ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    usage(`${what} ${file} is not JSON: ${e.message}`);
  }
}

function collectCards(inputs) {
  const files = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = fs.statSync(input);
    } catch {
      usage(`no such file or folder: ${input}`);
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(input).sort()) {
        if (name.endsWith(".json") && !name.endsWith(".data.json")) files.push(path.join(input, name));
      }
    } else if (!input.endsWith(".data.json")) {
      files.push(input);
    }
  }
  return files;
}

// ---------------------------------------------------------------------------------------------------------------
// Walking a card's JSON. Action `data` is free-form (it may contain anything, including a "type"), so it is skipped.

const FREE_FORM_KEYS = new Set(["data"]);

function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function walk(node, visit, pointer = "", parentKey = null) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, visit, `${pointer}/${i}`, parentKey));
    return;
  }
  if (!isObject(node)) return;
  visit(node, pointer);
  for (const [key, value] of Object.entries(node)) {
    if (FREE_FORM_KEYS.has(key) && typeof node.type === "string" && node.type.startsWith("Action.")) continue;
    if (FREE_FORM_KEYS.has(key) && typeof node.type === "string" && node.type.startsWith("Chart.")) continue;
    walk(value, visit, `${pointer}/${escapePointer(key)}`, key);
  }
}

function escapePointer(key) {
  return String(key).replace(/~/g, "~0").replace(/\//g, "~1");
}

function label(obj) {
  const type = typeof obj.type === "string" ? obj.type : "object";
  return obj.id ? `${type}#${obj.id}` : type;
}

// ---------------------------------------------------------------------------------------------------------------
// [teams] rules and chart substitution.

function teamsRules(card, report) {
  if (!isObject(card)) {
    report("error", "teams", "the card is not a JSON object");
    return;
  }
  if (!("version" in card)) report("error", "teams", "top-level \"version\" is missing (Teams needs \"1.5\")");
  else if (typeof card.version !== "string") report("error", "teams", `top-level "version" must be a string, got ${JSON.stringify(card.version)}`);
  if (isObject(card.refresh) && Array.isArray(card.refresh.userIds) && card.refresh.userIds.length > 60) {
    report("error", "teams", `refresh.userIds has ${card.refresh.userIds.length} ids; Teams allows at most 60`);
  }
  walk(card, (obj, pointer) => {
    if (obj.type === "Action.Execute" && (typeof obj.verb !== "string" || obj.verb.trim() === "")) {
      report("error", "teams", `Action.Execute without a verb at ${pointer || "/"} (title ${JSON.stringify(obj.title ?? null)})`);
    }
  });
}

// Returns a deep copy of the card in which every Chart.* element is replaced by its fallback; reports chart rules.
function substituteCharts(node, report, pointer = "") {
  if (Array.isArray(node)) return node.map((item, i) => substituteCharts(item, report, `${pointer}/${i}`));
  if (!isObject(node)) return node;
  if (typeof node.type === "string" && node.type.startsWith("Chart.")) {
    const where = `${node.type} at ${pointer || "/"}`;
    const isGauge = node.type === "Chart.Gauge";
    if (isGauge) {
      if (typeof node.value !== "number") report("error", "teams", `${where} has no numeric value`);
    } else if (!Array.isArray(node.data) || node.data.length === 0) {
      report("error", "teams", `${where} has no data (a non-empty "data" array is required)`);
    }
    if (!isObject(node.fallback)) {
      report("error", "teams", `${where} needs an object "fallback" (clients without charts show it)`);
      return null;
    }
    return substituteCharts(node.fallback, report, `${pointer}/fallback`);
  }
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    const isFreeForm = key === "data" && typeof node.type === "string" && node.type.startsWith("Action.");
    const replaced = isFreeForm ? value : substituteCharts(value, report, `${pointer}/${escapePointer(key)}`);
    if (replaced !== null || value === null) copy[key] = replaced;
  }
  // A chart without a usable fallback was dropped from its array above (null); keep arrays dense.
  for (const [key, value] of Object.entries(copy)) {
    if (Array.isArray(value)) copy[key] = value.filter((item) => item !== null);
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------------------------
// [sdk] layer.

let AC = null;
function sdk() {
  if (!AC) AC = require("adaptivecards/dist/adaptivecards.js");
  return AC;
}

const WARNING_EVENTS = new Set([0, 3, 15, 16]); // Hint, Deprecated, RequiredInputsShouldHaveLabel/ErrorMessage

function sdkCheck(card, hostConfigJson, maxVersionText, report) {
  const lib = sdk();
  const maxVersion = lib.Version.parse(maxVersionText, new lib.SerializationContext());
  if (!maxVersion || !maxVersion.isValid) usage(`--max-version ${maxVersionText} is not a version`);
  const context = new lib.SerializationContext(maxVersion);
  const adaptiveCard = new lib.AdaptiveCard();
  adaptiveCard.hostConfig = new lib.HostConfig(hostConfigJson);
  adaptiveCard.maxVersion = maxVersion;
  try {
    adaptiveCard.parse(card, context);
  } catch (e) {
    report("error", "sdk", `parse threw: ${e.message}`);
    return;
  }
  const emit = (event, phase) => {
    const name = lib.ValidationEvent[event.event] ?? String(event.event);
    const where = event.source && typeof event.source.getJsonTypeName === "function" ? ` (at ${sourceLabel(event.source)})` : "";
    report(WARNING_EVENTS.has(event.event) ? "warning" : "error", "sdk", `${phase} ${name}: ${event.message}${where}`);
  };
  for (let i = 0; i < context.eventCount; i++) emit(context.getEventAt(i), "parse");
  const results = adaptiveCard.validateProperties();
  for (const event of results.validationEvents) emit(event, "validate");
}

function sourceLabel(source) {
  const type = source.getJsonTypeName();
  return source.id ? `${type}#${source.id}` : type;
}

// ---------------------------------------------------------------------------------------------------------------
// [schema] layer: compile #/definitions/<type> per typed object and keep only each object's own errors.

function loadSchema(file) {
  const Ajv = require("ajv");
  const addFormats = require("ajv-formats");
  const schema = readJsonFile(file, "schema");
  if (schema.id && !schema.$id) {
    schema.$id = schema.id;
    delete schema.id;
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
  addFormats(ajv);
  ajv.addSchema(schema, "card-schema");
  const validators = new Map();
  const definitions = new Set(Object.keys(schema.definitions || {}));
  return {
    has: (type) => definitions.has(type),
    validator(type) {
      if (!validators.has(type)) validators.set(type, ajv.getSchema(`card-schema#/definitions/${type}`));
      return validators.get(type);
    },
  };
}

function schemaCheck(card, schema, report) {
  const copy = JSON.parse(JSON.stringify(card));
  if (isObject(copy)) delete copy.msteams; // Teams' card-level extension; the schema forbids extra properties
  walk(copy, (obj, pointer) => {
    if (typeof obj.type !== "string") return;
    if (!schema.has(obj.type)) {
      if (obj.type !== "mention") report("error", "schema", `unknown type ${JSON.stringify(obj.type)} at ${pointer || "/"}`);
      return;
    }
    const validate = schema.validator(obj.type);
    if (validate(obj)) return;
    const own = validate.errors.filter((err) => !descendsIntoTypedObject(obj, err.instancePath));
    const byPath = new Map();
    for (const err of own) {
      if (!byPath.has(err.instancePath)) byPath.set(err.instancePath, []);
      byPath.get(err.instancePath).push(err);
    }
    for (const [instancePath, errors] of byPath) {
      const at = `${label(obj)} at ${pointer}${instancePath}` || "/";
      if (errors.some((e) => e.keyword === "anyOf")) {
        const value = valueAt(obj, instancePath);
        report("error", "schema", `${at}: invalid value ${JSON.stringify(value)}`);
        continue;
      }
      for (const e of errors) {
        report("error", "schema", `${at}: ${e.message}${e.params && Object.keys(e.params).length ? " " + JSON.stringify(e.params) : ""}`);
      }
    }
  });
}

function segments(instancePath) {
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function valueAt(obj, instancePath) {
  let node = obj;
  for (const seg of segments(instancePath)) node = node == null ? undefined : node[seg];
  return node;
}

// True when the error points into (or at) a nested object that has its own "type": that object is checked by itself.
function descendsIntoTypedObject(obj, instancePath) {
  let node = obj;
  for (const seg of segments(instancePath)) {
    node = node == null ? undefined : node[seg];
    if (isObject(node) && typeof node.type === "string") return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// [template] layer.

function templateCheck(card, data, report) {
  let Template;
  try {
    ({ Template } = require("adaptivecards-templating"));
  } catch (e) {
    report("error", "template", `adaptivecards-templating is not installed: ${e.message}`);
    return card;
  }
  let expanded;
  try {
    expanded = new Template(card).expand({ $root: data });
  } catch (e) {
    report("error", "template", `expansion failed: ${e.message}`);
    return card;
  }
  const leftover = JSON.stringify(expanded).match(/\$\{[^}]*\}/g);
  if (leftover) report("error", "template", `unexpanded expressions after templating: ${[...new Set(leftover)].slice(0, 5).join(", ")}`);
  return expanded;
}

// ---------------------------------------------------------------------------------------------------------------

function main() {
  const options = parseArgs(process.argv.slice(2));
  const hostConfigFile = options.hostConfig ?? require.resolve("adaptivecards-designer/lib/hostConfigs/microsoft-teams-light.json");
  const hostConfig = readJsonFile(hostConfigFile, "host config");
  const schema = options.schema ? loadSchema(options.schema) : null;
  const globalData = options.data ? readJsonFile(options.data, "data") : null;
  const files = collectCards(options.inputs);
  if (files.length === 0) usage("no card files found (*.json, not *.data.json)");

  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const findings = [];
    const report = (severity, layer, message) => findings.push({ severity, layer, message });
    let card;
    try {
      card = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      report("error", "input", `not readable JSON: ${e.message}`);
    }

    if (card !== undefined) {
      const dataFile = file.replace(/\.json$/, ".data.json");
      const data = globalData ?? (fs.existsSync(dataFile) ? readJsonFile(dataFile, "data") : null);
      if (data) card = templateCheck(card, data, report);
      else if (JSON.stringify(card).includes("${")) report("warning", "template", "looks like a template (${...}) but has no data file");

      teamsRules(card, report);
      const substituted = substituteCharts(card, report);
      if (isObject(substituted)) {
        sdkCheck(substituted, hostConfig, options.maxVersion, report);
        if (schema) schemaCheck(substituted, schema, report);
      }
    }

    const errors = findings.filter((f) => f.severity === "error").length;
    const warnings = findings.length - errors;
    const ok = errors === 0 && (!options.strict || warnings === 0);
    if (ok) passed++;
    else failed++;
    console.log(`${ok ? "OK  " : "FAIL"} ${file}${findings.length ? ` (${errors} errors, ${warnings} warnings)` : ""}`);
    for (const f of findings) console.log(`  ${f.severity} [${f.layer}] ${f.message}`);
  }

  console.log(`cards: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

if (require.main === module) main();

module.exports = { substituteCharts };
