#!/usr/bin/env node
/*
 * node_reference.js - run the LoRaWAN payload decoder corpus under Node.js.
 *
 * This is the reference against which Lyrebird's duktape codec runtime is
 * measured: every folder in tests/codecs/corpus holds a third-party
 * decoder.js (from TheThingsNetwork/lorawan-devices) and examples.json (its
 * published uplink examples).  For each decoder a fresh `vm` context is made
 * (no require, no process, no timers), the decoder is loaded, its API is
 * found, and every uplink example is run and compared with the published
 * output.
 *
 * APIs, in order of preference (the order The Things Stack uses):
 *   1. TTS      decodeUplink({bytes, fPort, recvTime})  -> {data, warnings, errors}
 *               (recvTime: the example's input.recvTime string if given,
 *               else new Date())
 *   2. TTN v2   Decoder(bytes, port) [+ Converter(decoded, port)]
 *                                    [+ Validator(converted, port)]  -> data
 *   3. ChirpStack v3  Decode(fPort, bytes, variables)                  -> data
 *
 * Comparison of a result with an example's `output`:
 *   - data:     compared when the example gives it: deep equality after a
 *               JSON round trip, numbers equal within 1e-9 relative.
 *   - errors:   when the example gives errors the decoder must report the
 *               same list; when it does not, the decoder must report none.
 *   - warnings: compared when the example gives them.
 *
 * Output: one line per example, "PASS|FAIL <folder> #<n> <reason>", then a
 * JSON summary line {"decoders": N, "examples": E, "passed": P}.
 * Options:
 *   --json-results FILE  write [{folder, index, pass, reason}] to FILE
 *   --corpus DIR         corpus directory (default: corpus/ next to this file)
 *   --filter TEXT        only run folders whose name contains TEXT
 *   --quiet              print only FAIL lines and the summary
 * Exit status: 0 (this is a reference, not a test), 2 if the corpus cannot
 * be read or the arguments are wrong.
 *
 * Plain Node.js (>= 18), no npm packages.
 */
'use strict';

/* Some decoders format dates with local-time getters (getHours, ...); the
 * published examples assume UTC, so pin the time zone before any Date use. */
process.env.TZ = 'UTC';

const fs = require('fs');
const path = require('path');
const vm = require('vm');

const TIMEOUT_MS = 1000;
const REL_TOLERANCE = 1e-9;

function usage(msg) {
  if (msg) process.stderr.write(msg + '\n');
  process.stderr.write(
    'usage: node node_reference.js [--json-results FILE] [--corpus DIR] ' +
      '[--filter TEXT] [--quiet]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    corpus: path.join(__dirname, 'corpus'),
    jsonResults: null,
    filter: null,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const needValue = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--json-results') opts.jsonResults = needValue();
    else if (a === '--corpus') opts.corpus = needValue();
    else if (a === '--filter') opts.filter = needValue();
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument: ${a}`);
  }
  return opts;
}

/* ---------- comparison ---------- */

function numbersEqual(a, b) {
  if (a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= REL_TOLERANCE * scale;
}

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function short(v) {
  let s = JSON.stringify(v);
  if (s === undefined) s = String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/* Returns null when equal, else a sentence naming the first difference. */
function diff(actual, expected, where) {
  const ta = typeName(actual);
  const te = typeName(expected);
  if (ta === 'number' && te === 'number') {
    return numbersEqual(actual, expected)
      ? null
      : `${where}: got ${actual}, want ${expected}`;
  }
  if (ta !== te) {
    return `${where}: got ${ta} ${short(actual)}, want ${te} ${short(expected)}`;
  }
  if (ta === 'array') {
    if (actual.length !== expected.length) {
      return `${where}: got ${actual.length} items, want ${expected.length}`;
    }
    for (let i = 0; i < actual.length; i++) {
      const d = diff(actual[i], expected[i], `${where}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (ta === 'object') {
    const ka = Object.keys(actual).sort();
    const ke = Object.keys(expected).sort();
    for (const k of ke) {
      if (!Object.prototype.hasOwnProperty.call(actual, k)) {
        return `${where}.${k}: missing, want ${short(expected[k])}`;
      }
    }
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(expected, k)) {
        return `${where}.${k}: unexpected ${short(actual[k])}`;
      }
    }
    for (const k of ke) {
      const d = diff(actual[k], expected[k], `${where}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return actual === expected
    ? null
    : `${where}: got ${short(actual)}, want ${short(expected)}`;
}

function asList(v) {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/* Compare a JSON-round-tripped decoder result with an example's output. */
function compare(result, expected) {
  if (typeName(result) !== 'object') {
    return `decoder returned ${short(result)}, not an object`;
  }
  if (typeName(expected) !== 'object') return 'example has no output object';
  const gotErrors = asList(result.errors);
  if ('errors' in expected) {
    const d = diff(gotErrors, asList(expected.errors), 'errors');
    if (d) return d;
  } else if (gotErrors.length > 0) {
    return `unexpected errors ${short(gotErrors)}`;
  }
  if ('warnings' in expected) {
    const d = diff(asList(result.warnings), asList(expected.warnings),
      'warnings');
    if (d) return d;
  }
  if ('data' in expected) {
    if (!('data' in result)) return 'no data in result';
    const d = diff(result.data, expected.data, 'data');
    if (d) return d;
  }
  return null;
}

/* ---------- running a decoder ---------- */

/*
 * Code run inside the decoder's context for one example.  It builds the
 * input with the context's own Array/Date (so instanceof and prototypes
 * behave as in a real runtime), calls the API and hands the result back as
 * a JSON string, which is the round trip the comparison wants anyway.
 */
const RUNNER_SOURCE = `(function (spec) {
  var ex = JSON.parse(spec);
  var api = ex.api, bytes = ex.bytes, port = ex.fPort, out;
  if (api === 'tts') {
    /* An example may pin recvTime (as a string, kept as-is, like the
     * device repository's own test harness does); otherwise "now". */
    var recv = ex.recvTime !== undefined ? ex.recvTime : new Date();
    out = decodeUplink({ bytes: bytes, fPort: port, recvTime: recv });
  } else if (api === 'ttnv2') {
    var data = Decoder(bytes, port);
    if (typeof Converter === 'function') data = Converter(data, port);
    if (typeof Validator === 'function' && !Validator(data, port)) {
      out = { errors: ['Validator rejected the payload'] };
    } else {
      out = { data: data };
    }
  } else {
    out = { data: Decode(port, bytes, {}) };
  }
  var s = JSON.stringify(out);
  return s === undefined ? 'null' : s;
})`;

function detectApi(ctx) {
  const has = (name) =>
    vm.runInContext(`typeof ${name} === 'function'`, ctx, {
      timeout: TIMEOUT_MS,
    });
  if (has('decodeUplink')) return 'tts';
  if (has('Decoder')) return 'ttnv2';
  if (has('Decode')) return 'chirpstack3';
  return null;
}

function errorText(e) {
  if (e && typeof e === 'object' && 'message' in e) {
    if (e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
    return `${e.name || 'Error'}: ${e.message}`;
  }
  return `threw ${String(e)}`;
}

function newContext() {
  /* Only the language's built-ins, plus a console that discards output
   * (some published decoders log while decoding). */
  const noop = () => {};
  const ctx = vm.createContext({});
  ctx.console = { log: noop, info: noop, warn: noop, error: noop, debug: noop };
  return ctx;
}

/* Load the decoder into a fresh context: {ctx, api} or {error}. */
function loadDecoder(source, filename) {
  try {
    const ctx = newContext();
    vm.runInContext(source, ctx, { filename: filename, timeout: TIMEOUT_MS });
    const api = detectApi(ctx);
    if (!api) return { error: 'no decodeUplink, Decoder or Decode function' };
    return { ctx: ctx, api: api };
  } catch (e) {
    return { error: `load failed: ${errorText(e)}` };
  }
}

/*
 * Run every uplink example of one corpus folder.  Each example gets its own
 * freshly loaded context, so state a decoder keeps in globals cannot leak
 * from one example into the next (The Things Stack does not keep it either).
 */
function runFolder(dir, folder) {
  const decoderPath = path.join(dir, 'decoder.js');
  const examples = JSON.parse(
    fs.readFileSync(path.join(dir, 'examples.json'), 'utf8'));
  const source = fs.readFileSync(decoderPath, 'utf8');
  const results = [];

  (examples.uplink || []).forEach((ex, index) => {
    const loaded = loadDecoder(source, decoderPath);
    let reason = loaded.error || null;
    if (!reason) {
      try {
        const spec = JSON.stringify({
          api: loaded.api,
          bytes: ex.input.bytes,
          fPort: ex.input.fPort,
          recvTime: ex.input.recvTime,
        });
        const run = vm.runInContext(RUNNER_SOURCE, loaded.ctx, {
          timeout: TIMEOUT_MS,
        });
        reason = compare(JSON.parse(run(spec)), ex.output);
      } catch (e) {
        reason = `exception: ${errorText(e)}`;
      }
    }
    results.push({ folder: folder, index: index, pass: reason === null,
      reason: reason || 'ok', api: loaded.api || null });
  });
  return results;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  let folders;
  try {
    folders = fs.readdirSync(opts.corpus, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .filter((n) => fs.existsSync(path.join(opts.corpus, n, 'decoder.js')) &&
        fs.existsSync(path.join(opts.corpus, n, 'examples.json')))
      .sort();
  } catch (e) {
    process.stderr.write(`cannot read corpus ${opts.corpus}: ${e.message}\n`);
    process.exit(2);
  }
  if (opts.filter) folders = folders.filter((n) => n.includes(opts.filter));
  if (folders.length === 0) {
    process.stderr.write(`no decoders in ${opts.corpus}\n`);
    process.exit(2);
  }

  const all = [];
  let passed = 0;
  for (const folder of folders) {
    let res;
    try {
      res = runFolder(path.join(opts.corpus, folder), folder);
    } catch (e) {
      process.stderr.write(`cannot read ${folder}: ${e.message}\n`);
      process.exit(2);
    }
    for (const r of res) {
      if (r.pass) passed++;
      if (!opts.quiet || !r.pass) {
        const reason = r.reason.replace(/\s+/g, ' ');
        console.log(`${r.pass ? 'PASS' : 'FAIL'} ${r.folder} #${r.index} ${reason}`);
      }
      all.push(r);
    }
  }

  if (opts.jsonResults) {
    const rows = all.map((r) => ({ folder: r.folder, index: r.index,
      pass: r.pass, reason: r.reason }));
    fs.writeFileSync(opts.jsonResults, JSON.stringify(rows, null, 1) + '\n');
  }
  console.log(JSON.stringify({ decoders: folders.length, examples: all.length,
    passed: passed }));
  process.exit(0);
}

main();
