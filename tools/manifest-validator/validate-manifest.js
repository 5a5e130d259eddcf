#!/usr/bin/env node
// Offline validator for Teams app manifests (CrisisBot's own script; see validators-and-packages.md §3.3).
//
//   node validate-manifest.js [--expect-version 1.25] [--no-icons] [--fill-tokens] <manifest.json | dir/ | app.zip> ...
//
// Each input is checked against the JSON schema bundled in @microsoft/app-manifest (picked from $schema, falling back to
// manifestVersion), with the same ajv setup as AppManifestUtils.validateAgainstSchema, plus our [extra] rules:
// $schema/manifestVersion agree, version is semver, --expect-version matches, icons exist and are PNGs of the right
// size (outline with an alpha channel), no ${{TOKEN}} is left, and a zip has manifest.json at its root.
// Exit codes: 0 every input passed, 1 at least one failed, 2 usage error. Last line: "manifests: N passed, N failed".
"use strict";

const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const USAGE = `usage: node validate-manifest.js [options] <manifest.json | folder | package.zip> ...

options:
  --expect-version <v>  fail unless manifestVersion equals <v> (e.g. 1.25)
  --no-icons            skip the icon checks (schema and other rules still run)
  --fill-tokens         replace every \${{TOKEN}} with a nil GUID before checking (for unpacked source manifests)
  -h, --help            show this help

exit codes: 0 all passed, 1 some failed, 2 usage error`;

const SCHEMA_ROOT = path.join(path.dirname(require.resolve("@microsoft/app-manifest/package.json")), "build", "json-schemas", "teams");
const SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[^/]+)\/MicrosoftTeams\.schema\.json$/i;
// semver.org 2.0.0, section "Is there a suggested regular expression"
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const TOKEN = /\$\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;
const NIL_GUID = "00000000-0000-0000-0000-000000000000";
const ICON_RULES = [
  { key: "color", width: 192, height: 192, required: true },
  { key: "outline", width: 32, height: 32, required: true, transparent: true },
  { key: "color32x32", width: 32, height: 32, required: false, transparent: true },
];

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { expectVersion: null, icons: true, fillTokens: false, inputs: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") opts.help = true;
    else if (a === "--no-icons") opts.icons = false;
    else if (a === "--fill-tokens") opts.fillTokens = true;
    else if (a === "--expect-version" || a.startsWith("--expect-version=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (!v || v.startsWith("-")) throw new UsageError("--expect-version needs a value, e.g. --expect-version 1.25");
      opts.expectVersion = v;
    } else if (a === "--") opts.inputs.push(...argv.slice(i + 1)), (i = argv.length);
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else opts.inputs.push(a);
  }
  if (!opts.help && opts.inputs.length === 0) throw new UsageError("no input given");
  return opts;
}

// ---- inputs: a manifest file, a folder holding manifest.json, or a zip package ---------------------------------------

function openInput(input) {
  if (!fs.existsSync(input)) throw new Error(`input not found: ${input}`);
  const stat = fs.statSync(input);
  if (stat.isDirectory()) return openFolder(input, path.join(input, "manifest.json"));
  if (input.toLowerCase().endsWith(".zip")) return openZip(input);
  return openFolder(path.dirname(input), input);
}

function openFolder(dir, manifestPath) {
  if (!fs.existsSync(manifestPath)) throw new Error(`no manifest.json in ${dir}`);
  return {
    manifestText: fs.readFileSync(manifestPath, "utf8"),
    readFile(rel) {
      const full = path.resolve(dir, rel);
      return fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full) : null;
    },
  };
}

function openZip(zipPath) {
  const AdmZip = require("adm-zip");
  let zip;
  try {
    zip = new AdmZip(zipPath);
  } catch (e) {
    throw new Error(`not a readable zip: ${e.message}`);
  }
  const entries = zip.getEntries().filter((e) => !e.isDirectory);
  const byName = new Map(entries.map((e) => [e.entryName.replace(/\\/g, "/"), e]));
  const root = byName.get("manifest.json");
  if (!root) {
    const nested = entries.map((e) => e.entryName).filter((n) => /(^|\/)manifest\.json$/i.test(n));
    const found = nested.length ? `found ${nested.join(", ")}` : `entries: ${entries.map((e) => e.entryName).join(", ") || "none"}`;
    throw new Error(`[extra] zip has no manifest.json at its root (${found})`);
  }
  return {
    manifestText: root.getData().toString("utf8"),
    readFile(rel) {
      const entry = byName.get(path.posix.normalize(rel.replace(/\\/g, "/")).replace(/^\.\//, ""));
      return entry ? entry.getData() : null;
    },
  };
}

// ---- schema ------------------------------------------------------------------------------------------------------------

const schemaCache = new Map();

function bundledVersions() {
  return fs.readdirSync(SCHEMA_ROOT).filter((d) => fs.existsSync(path.join(SCHEMA_ROOT, d, "MicrosoftTeams.schema.json"))).sort(compareVersionDirs);
}

function compareVersionDirs(a, b) {
  const pa = a.slice(1).split(".").map(Number), pb = b.slice(1).split(".").map(Number);
  if (pa.some(isNaN) || pb.some(isNaN)) return a.localeCompare(b);
  return pa[0] - pb[0] || (pa[1] || 0) - (pb[1] || 0);
}

function loadValidator(versionDir) {
  if (schemaCache.has(versionDir)) return schemaCache.get(versionDir);
  const file = path.join(SCHEMA_ROOT, versionDir, "MicrosoftTeams.schema.json");
  if (!fs.existsSync(file)) return null;
  // Same clean-up as app-manifest: the published schemas contain \a and \v escapes that JSON.parse rejects.
  const text = fs.readFileSync(file, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b");
  const schema = JSON.parse(text);
  const Ajv = require("ajv-draft-04");
  const addFormats = require("ajv-formats");
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv, ["uri", "email", "regex"]);
  const validate = ajv.compile(schema);
  schemaCache.set(versionDir, validate);
  return validate;
}

function formatAjvError(e) {
  const where = e.instancePath || "/";
  const details = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : "";
  return `${where} ${e.message}${details}`;
}

// ---- PNG ---------------------------------------------------------------------------------------------------------------

function readPng(buf) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 33 || !buf.subarray(0, 8).equals(sig)) return null;
  if (buf.toString("latin1", 12, 16) !== "IHDR") return null;
  const info = {
    width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), bitDepth: buf[24], colorType: buf[25], interlace: buf[28],
    hasTrns: false, idat: [],
  };
  for (let off = 8; off + 12 <= buf.length;) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("latin1", off + 4, off + 8);
    if (type === "tRNS") info.hasTrns = true;
    if (type === "IDAT") info.idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
    if (type === "IEND") break;
  }
  return info;
}

// Decodes 8-bit RGBA, non-interlaced images (what our generator writes); returns null for other layouts.
function rgbaPixels(info) {
  if (info.bitDepth !== 8 || info.colorType !== 6 || info.interlace !== 0) return null;
  const raw = zlib.inflateSync(Buffer.concat(info.idat));
  const stride = info.width * 4, out = Buffer.alloc(stride * info.height);
  for (let y = 0; y < info.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? out[y * stride + x - 4] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? out[(y - 1) * stride + x - 4] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 0xff;
    }
  }
  return out;
}

function checkIcons(manifest, pkg, errors, warnings) {
  const icons = manifest.icons && typeof manifest.icons === "object" ? manifest.icons : {};
  for (const rule of ICON_RULES) {
    const rel = icons[rule.key];
    if (typeof rel !== "string" || rel === "") {
      if (rule.required) errors.push(`[extra] icons.${rule.key} is missing`);
      continue;
    }
    if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes("..")) {
      errors.push(`[extra] icons.${rule.key} must be a relative path inside the package, got "${rel}"`);
      continue;
    }
    const data = pkg.readFile(rel);
    if (!data) {
      errors.push(`[extra] icons.${rule.key} file "${rel}" not found`);
      continue;
    }
    const png = readPng(data);
    if (!png) {
      errors.push(`[extra] icons.${rule.key} "${rel}" is not a PNG`);
      continue;
    }
    if (png.width !== rule.width || png.height !== rule.height) {
      errors.push(`[extra] icons.${rule.key} "${rel}" is ${png.width}x${png.height}, must be ${rule.width}x${rule.height}`);
    }
    if (rule.transparent) {
      const alpha = png.colorType === 4 || png.colorType === 6 || png.hasTrns;
      if (!alpha) {
        errors.push(`[extra] icons.${rule.key} "${rel}" has no alpha channel; it must be white on a transparent background`);
        continue;
      }
      const px = rule.key === "outline" ? rgbaPixels(png) : null;
      if (px) {
        let coloured = 0, transparent = 0;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] === 0) transparent++;
          else if (px[i] < 230 || px[i + 1] < 230 || px[i + 2] < 230) coloured++;
        }
        if (transparent === 0) errors.push(`[extra] icons.outline "${rel}" has no transparent pixel; the background must be transparent`);
        if (coloured > 0) warnings.push(`icons.outline "${rel}" has ${coloured} visible pixel(s) that are not white`);
      }
    }
  }
}

// ---- one input ---------------------------------------------------------------------------------------------------------

function collectTokens(value, where, found) {
  if (typeof value === "string") {
    for (const m of value.matchAll(TOKEN)) found.push(`${m[0]} at ${where || "/"}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => collectTokens(v, `${where}/${i}`, found));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) collectTokens(v, `${where}/${k}`, found);
  }
  return found;
}

function fillTokens(value) {
  if (typeof value === "string") return value.replace(TOKEN, NIL_GUID);
  if (Array.isArray(value)) return value.map(fillTokens);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTokens(v)]));
  return value;
}

function checkInput(input, opts) {
  const errors = [], warnings = [];
  let pkg;
  try {
    pkg = openInput(input);
  } catch (e) {
    return { errors: [e.message], warnings };
  }

  let manifest;
  try {
    manifest = JSON.parse(pkg.manifestText.replace(/^\uFEFF/, ""));
  } catch (e) {
    return { errors: [`manifest.json is not valid JSON: ${e.message}`], warnings };
  }
  if (!manifest || typeof manifest !== "object" || Array.isArray(manifest)) {
    return { errors: ["manifest.json must contain a JSON object"], warnings };
  }
  if (opts.fillTokens) manifest = fillTokens(manifest);
  for (const t of collectTokens(manifest, "", [])) {
    errors.push(`[extra] unreplaced token ${t} (pack the manifest first, or pass --fill-tokens for a source manifest)`);
  }

  // Pick the bundled schema from $schema, else from manifestVersion.
  const mv = manifest.manifestVersion;
  let versionDir = null, badSchemaUrl = false;
  if (typeof manifest.$schema === "string") {
    const m = SCHEMA_URL.exec(manifest.$schema);
    if (!m) badSchemaUrl = true, errors.push(`[extra] $schema "${manifest.$schema}" is not a Teams manifest schema URL (https://developer.microsoft.com/json-schemas/teams/v<version>/MicrosoftTeams.schema.json)`);
    else {
      versionDir = m[1];
      const schemaVersion = versionDir.slice(1);
      const agrees = schemaVersion.toLowerCase() === "devpreview" ? mv === "devPreview" : mv === schemaVersion;
      if (!agrees) errors.push(`[extra] $schema is for ${schemaVersion} but manifestVersion is ${JSON.stringify(mv)}`);
    }
  } else if (manifest.$schema !== undefined) {
    badSchemaUrl = true;
    errors.push("[extra] $schema must be a string");
  }
  if (!versionDir && !badSchemaUrl && typeof mv === "string") versionDir = mv === "devPreview" ? "vDevPreview" : `v${mv}`;
  if (!versionDir && manifest.$schema === undefined && typeof mv !== "string") errors.push("manifest has neither $schema nor a string manifestVersion");

  if (versionDir) {
    const validate = loadValidator(versionDir);
    if (!validate) {
      errors.push(`no bundled schema for ${versionDir} in @microsoft/app-manifest; available: ${bundledVersions().join(", ")}`);
    } else if (!validate(JSON.parse(JSON.stringify(manifest)))) {
      const seen = new Set();
      for (const e of validate.errors) {
        const line = formatAjvError(e);
        if (!seen.has(line)) seen.add(line), errors.push(line);
      }
    }
  }

  if (typeof manifest.version !== "string" || !SEMVER.test(manifest.version)) {
    errors.push(`[extra] version ${JSON.stringify(manifest.version)} is not semver (MAJOR.MINOR.PATCH, e.g. 1.0.0)`);
  }
  if (opts.expectVersion !== null && mv !== opts.expectVersion) {
    errors.push(`[extra] manifestVersion is ${JSON.stringify(mv)}, expected "${opts.expectVersion}"`);
  }
  if (opts.icons) checkIcons(manifest, pkg, errors, warnings);
  return { errors, warnings };
}

function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  let passed = 0, failed = 0;
  for (const input of opts.inputs) {
    const { errors, warnings } = checkInput(input, opts);
    console.log(`${errors.length ? "FAIL" : "OK  "} ${input}`);
    for (const e of errors) console.log(`  error: ${e}`);
    for (const w of warnings) console.log(`  warning: ${w}`);
    errors.length ? failed++ : passed++;
  }
  console.log(`manifests: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
