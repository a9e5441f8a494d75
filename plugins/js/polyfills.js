/* ES2015+ built-ins that duktape 2.7 lacks and decoders (and the buble transpiler) use, in
 * ES5. Run once in every heap before user code; each is installed only when missing, as a
 * non-enumerable property like the real ones. Map and Set keep insertion order; primitive
 * keys are hashed, object keys are searched linearly (decoders keep a handful). */
(function (G) {
    'use strict';
    function def(obj, name, fn) {
        if (obj && typeof obj[name] === 'undefined') {
            Object.defineProperty(obj, name,
                                  {value: fn, writable: true, configurable: true, enumerable: false});
        }
    }
    function toInt(n) {
        n = Number(n);
        return n !== n ? 0 : (n < 0 ? Math.ceil(n) : Math.floor(n));
    }
    function relIndex(i, len, dflt) {
        if (i === undefined) return dflt;
        i = toInt(i);
        return i < 0 ? Math.max(len + i, 0) : Math.min(i, len);
    }
    function sameValueZero(a, b) { return a === b || (a !== a && b !== b); }
    function iterToArray(it) {
        if (it == null) return [];
        if (typeof it === 'string' || typeof it.length === 'number') return Array.prototype.slice.call(it);
        if (typeof it.forEach === 'function') {
            var out = [];
            it.forEach(function (v, k) { out.push(it instanceof Map ? [k, v] : v); });
            return out;
        }
        return [];
    }

    /* Object */
    def(Object, 'entries', function (o) {
        var k = Object.keys(o), r = [];
        for (var i = 0; i < k.length; i++) r.push([k[i], o[k[i]]]);
        return r;
    });
    def(Object, 'values', function (o) {
        var k = Object.keys(o), r = [];
        for (var i = 0; i < k.length; i++) r.push(o[k[i]]);
        return r;
    });
    def(Object, 'fromEntries', function (entries) {
        var o = {}, a = iterToArray(entries);
        for (var i = 0; i < a.length; i++) o[a[i][0]] = a[i][1];
        return o;
    });
    def(Object, 'assign', function (target) {
        var to = Object(target);
        for (var i = 1; i < arguments.length; i++) {
            var src = arguments[i];
            if (src == null) continue;
            var k = Object.keys(Object(src));
            for (var j = 0; j < k.length; j++) to[k[j]] = src[k[j]];
        }
        return to;
    });

    /* Array */
    def(Array, 'from', function (src, fn, thisArg) {
        var a = iterToArray(src), r = [];
        for (var i = 0; i < a.length; i++) r.push(fn ? fn.call(thisArg, a[i], i) : a[i]);
        if (a.length === 0 && src && typeof src.length === 'number') {
            for (i = 0; i < src.length; i++) r.push(fn ? fn.call(thisArg, undefined, i) : undefined);
        }
        return r;
    });
    def(Array, 'of', function () { return Array.prototype.slice.call(arguments); });
    var AP = Array.prototype;
    def(AP, 'includes', function (v, from) {
        var len = this.length >>> 0;
        for (var i = relIndex(from, len, 0); i < len; i++) {
            if (sameValueZero(this[i], v)) return true;
        }
        return false;
    });
    def(AP, 'find', function (fn, thisArg) {
        for (var i = 0, len = this.length >>> 0; i < len; i++) {
            if (fn.call(thisArg, this[i], i, this)) return this[i];
        }
        return undefined;
    });
    def(AP, 'findIndex', function (fn, thisArg) {
        for (var i = 0, len = this.length >>> 0; i < len; i++) {
            if (fn.call(thisArg, this[i], i, this)) return i;
        }
        return -1;
    });
    def(AP, 'findLast', function (fn, thisArg) {
        for (var i = (this.length >>> 0) - 1; i >= 0; i--) {
            if (fn.call(thisArg, this[i], i, this)) return this[i];
        }
        return undefined;
    });
    def(AP, 'fill', function (v, start, end) {
        var len = this.length >>> 0;
        for (var i = relIndex(start, len, 0), e = relIndex(end, len, len); i < e; i++) this[i] = v;
        return this;
    });
    def(AP, 'copyWithin', function (target, start, end) {
        var len = this.length >>> 0, to = relIndex(target, len, 0), from = relIndex(start, len, 0);
        var count = Math.min(relIndex(end, len, len) - from, len - to);
        var tmp = Array.prototype.slice.call(this, from, from + count);
        for (var i = 0; i < tmp.length; i++) this[to + i] = tmp[i];
        return this;
    });
    function flatten(src, depth, out) {
        for (var i = 0; i < src.length; i++) {
            if (depth > 0 && Array.isArray(src[i])) flatten(src[i], depth - 1, out);
            else if (i in src) out.push(src[i]);
        }
        return out;
    }
    def(AP, 'flat', function (depth) { return flatten(this, depth === undefined ? 1 : toInt(depth), []); });
    def(AP, 'flatMap', function (fn, thisArg) { return flatten(AP.map.call(this, fn, thisArg), 1, []); });
    def(AP, 'at', function (i) {
        i = toInt(i);
        return this[i < 0 ? this.length + i : i];
    });
    def(AP, 'keys', function () {
        var r = [];
        for (var i = 0; i < this.length; i++) r.push(i);
        return r;
    });
    def(AP, 'values', function () { return AP.slice.call(this); });
    def(AP, 'entries', function () {
        var r = [];
        for (var i = 0; i < this.length; i++) r.push([i, this[i]]);
        return r;
    });

    /* Typed arrays: the array methods they lack, on every view type */
    var typed = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
                 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array'];
    var shared = ['fill', 'includes', 'find', 'findIndex', 'indexOf', 'join', 'forEach', 'every',
                  'some', 'reduce', 'reduceRight', 'reverse', 'lastIndexOf', 'at', 'keys',
                  'values', 'entries'];
    for (var t = 0; t < typed.length; t++) {
        var T = G[typed[t]];
        if (typeof T !== 'function') continue;
        for (var s = 0; s < shared.length; s++) def(T.prototype, shared[s], AP[shared[s]]);
        (function (T) {
            def(T.prototype, 'slice', function (start, end) {
                var len = this.length, b = relIndex(start, len, 0), e = relIndex(end, len, len);
                return new T(AP.slice.call(this, b, Math.max(b, e)));
            });
            def(T.prototype, 'map', function (fn, thisArg) {
                return new T(AP.map.call(this, fn, thisArg));
            });
            def(T.prototype, 'filter', function (fn, thisArg) {
                return new T(AP.filter.call(this, fn, thisArg));
            });
            def(T.prototype, 'sort', function (cmp) {
                var a = AP.slice.call(this).sort(cmp || function (x, y) { return x - y; });
                for (var i = 0; i < a.length; i++) this[i] = a[i];
                return this;
            });
            def(T, 'from', function (src, fn, thisArg) { return new T(Array.from(src, fn, thisArg)); });
            def(T, 'of', function () { return new T(AP.slice.call(arguments)); });
        })(T);
    }

    /* String */
    var SP = String.prototype;
    function pad(s, len, filler, atStart) {
        s = String(s);
        len = toInt(len);
        filler = filler === undefined ? ' ' : String(filler);
        if (len <= s.length || filler === '') return s;
        var need = len - s.length, f = '';
        while (f.length < need) f += filler;
        f = f.slice(0, need);
        return atStart ? f + s : s + f;
    }
    def(SP, 'padStart', function (len, filler) { return pad(this, len, filler, true); });
    def(SP, 'padEnd', function (len, filler) { return pad(this, len, filler, false); });
    def(SP, 'trimStart', function () { return String(this).replace(/^\s+/, ''); });
    def(SP, 'trimEnd', function () { return String(this).replace(/\s+$/, ''); });
    def(SP, 'trimLeft', SP.trimStart);
    def(SP, 'trimRight', SP.trimEnd);
    def(SP, 'includes', function (s, from) { return String(this).indexOf(s, from) !== -1; });
    def(SP, 'startsWith', function (s, pos) {
        pos = toInt(pos);
        return String(this).substr(pos, String(s).length) === String(s);
    });
    def(SP, 'endsWith', function (s, end) {
        var str = String(this);
        end = end === undefined ? str.length : toInt(end);
        s = String(s);
        return str.slice(Math.max(end - s.length, 0), end) === s;
    });
    def(SP, 'repeat', function (n) {
        n = toInt(n);
        if (n < 0 || n === Infinity) throw new RangeError('Invalid count value');
        var r = '', s = String(this);
        for (var i = 0; i < n; i++) r += s;
        return r;
    });
    def(SP, 'at', function (i) {
        i = toInt(i);
        return this.charAt(i < 0 ? this.length + i : i) || undefined;
    });
    def(String, 'raw', function (strings) {
        /* buble's tagged templates pass the cooked strings without .raw: use those */
        var raw = Object(strings);
        if (raw.raw !== undefined) raw = Object(raw.raw);
        var n = raw.length >>> 0, out = '';
        for (var i = 0; i < n; i++) {
            out += String(raw[i]);
            if (i + 1 < n && i + 1 < arguments.length) out += String(arguments[i + 1]);
        }
        return out;
    });
    def(SP, 'replaceAll', function (search, repl) {
        if (search instanceof RegExp) return String(this).replace(search, repl);
        return String(this).split(String(search)).join(repl);
    });

    /* Number and Math */
    def(Number, 'isInteger', function (n) { return typeof n === 'number' && isFinite(n) && Math.floor(n) === n; });
    def(Number, 'isFinite', function (n) { return typeof n === 'number' && isFinite(n); });
    def(Number, 'isNaN', function (n) { return typeof n === 'number' && n !== n; });
    def(Number, 'parseFloat', parseFloat);
    def(Number, 'parseInt', parseInt);
    def(Math, 'trunc', function (x) { return x < 0 ? Math.ceil(x) : Math.floor(x); });
    def(Math, 'sign', function (x) { x = +x; return x > 0 ? 1 : x < 0 ? -1 : x; });
    def(Math, 'log2', function (x) { return Math.log(x) / Math.LN2; });
    def(Math, 'log10', function (x) { return Math.log(x) / Math.LN10; });
    def(Math, 'expm1', function (x) { return Math.abs(x) < 1e-5 ? x + x * x / 2 : Math.exp(x) - 1; });
    def(Math, 'log1p', function (x) { return Math.abs(x) < 1e-5 ? x - x * x / 2 : Math.log(1 + x); });
    def(Math, 'sinh', function (x) { return (Math.exp(x) - Math.exp(-x)) / 2; });
    def(Math, 'cosh', function (x) { return (Math.exp(x) + Math.exp(-x)) / 2; });
    def(Math, 'tanh', function (x) {
        if (x === Infinity) return 1;
        if (x === -Infinity) return -1;
        var a = Math.exp(x), b = Math.exp(-x);
        return (a - b) / (a + b);
    });
    def(Math, 'asinh', function (x) { return x === -Infinity ? x : Math.log(x + Math.sqrt(x * x + 1)); });
    def(Math, 'acosh', function (x) { return Math.log(x + Math.sqrt(x * x - 1)); });
    def(Math, 'atanh', function (x) { return Math.log((1 + x) / (1 - x)) / 2; });
    if (typeof Float32Array === 'function') {
        var f32 = new Float32Array(1);
        def(Math, 'fround', function (x) { f32[0] = x; return f32[0]; });
    }

    /* Date: duktape's toUTCString is ISO-like; browsers and node give RFC 7231's form */
    var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    function two(n) { return (n < 10 ? '0' : '') + n; }
    var utc = function toUTCString() {
        if (isNaN(this.getTime())) return 'Invalid Date';
        var y = this.getUTCFullYear();
        return DAYS[this.getUTCDay()] + ', ' + two(this.getUTCDate()) + ' ' +
               MONTHS[this.getUTCMonth()] + ' ' + (y < 0 ? '-' + ('000' + -y).slice(-4) : ('000' + y).slice(-4)) +
               ' ' + two(this.getUTCHours()) + ':' + two(this.getUTCMinutes()) + ':' +
               two(this.getUTCSeconds()) + ' GMT';
    };
    /* The other text forms as V8 writes them (duktape's are ISO-like). Decoders run in UTC (the
     * local time zone is pinned to UTC in duk_config.h); the locale forms are en-US's, the
     * locale and options arguments are not interpreted. toString stays duktape's: ES5's
     * new Date(date) converts date with toString, and duktape parses only its own form. */
    function year4(y) { return y < 0 ? '-' + ('000' + -y).slice(-4) : (y < 1000 ? ('000' + y).slice(-4) : String(y)); }
    function dateText(d) {
        return DAYS[d.getUTCDay()] + ' ' + MONTHS[d.getUTCMonth()] + ' ' + two(d.getUTCDate()) + ' ' +
               year4(d.getUTCFullYear());
    }
    function timeText(d) {
        return two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()) +
               ' GMT+0000 (Coordinated Universal Time)';
    }
    function localeDate(d) { return (d.getUTCMonth() + 1) + '/' + d.getUTCDate() + '/' + d.getUTCFullYear(); }
    function localeTime(d) {
        var h = d.getUTCHours();
        return ((h % 12) || 12) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()) +
               (h < 12 ? ' AM' : ' PM');
    }
    function dateFormat(name, fn) {
        var f = function () { return isNaN(this.getTime()) ? 'Invalid Date' : fn(this); };
        Object.defineProperty(Date.prototype, name, {value: f, writable: true, configurable: true, enumerable: false});
    }
    Object.defineProperty(Date.prototype, 'toUTCString', {value: utc, writable: true, configurable: true, enumerable: false});
    Object.defineProperty(Date.prototype, 'toGMTString', {value: utc, writable: true, configurable: true, enumerable: false});
    dateFormat('toDateString', dateText);
    dateFormat('toTimeString', timeText);
    dateFormat('toLocaleString', function (d) { return localeDate(d) + ', ' + localeTime(d); });
    dateFormat('toLocaleDateString', localeDate);
    dateFormat('toLocaleTimeString', localeTime);

    /* Map and Set */
    function Coll() { this._p = {}; this._o = []; this._keys = []; this._vals = []; this.size = 0; }
    function slot(c, k, add) {
        var t = typeof k, h;
        if (k !== null && (t === 'object' || t === 'function')) {
            for (var i = 0; i < c._o.length; i++) if (c._keys[c._o[i]] === k) return c._o[i];
            if (!add) return -1;
            c._o.push(c._keys.length);
        } else {
            h = t.charAt(0) + (k !== k ? 'NaN' : (k === 0 ? '0' : String(k)));
            if (Object.prototype.hasOwnProperty.call(c._p, h)) return c._p[h];
            if (!add) return -1;
            c._p[h] = c._keys.length;
        }
        c._keys.push(k);
        c._vals.push(undefined);
        c.size++;
        return c._keys.length - 1;
    }
    function removeSlot(c, k) {
        var i = slot(c, k, false);
        if (i < 0) return false;
        var t = typeof k;
        if (k !== null && (t === 'object' || t === 'function')) c._o.splice(c._o.indexOf(i), 1);
        else delete c._p[t.charAt(0) + (k !== k ? 'NaN' : (k === 0 ? '0' : String(k)))];
        c._keys[i] = c._vals[i] = undefined;
        c._del = c._del || {};
        c._del[i] = true;
        c.size--;
        return true;
    }
    function each(c, fn, thisArg, self) {
        for (var i = 0; i < c._keys.length; i++) {
            if (!(c._del && c._del[i])) fn.call(thisArg, c._vals[i], c._keys[i], self);
        }
    }
    function fill(c, it, isMap) {
        var a = iterToArray(it);
        for (var i = 0; i < a.length; i++) isMap ? c.set(a[i][0], a[i][1]) : c.add(a[i]);
    }
    if (typeof G.Map === 'undefined') {
        var M = function Map(it) { Coll.call(this); fill(this, it, true); };
        M.prototype.get = function (k) { var i = slot(this, k, false); return i < 0 ? undefined : this._vals[i]; };
        M.prototype.set = function (k, v) { this._vals[slot(this, k, true)] = v; return this; };
        M.prototype.has = function (k) { return slot(this, k, false) >= 0; };
        M.prototype['delete'] = function (k) { return removeSlot(this, k); };
        M.prototype.clear = function () { Coll.call(this); };
        M.prototype.forEach = function (fn, thisArg) { each(this, fn, thisArg, this); };
        M.prototype.keys = function () { var r = []; this.forEach(function (v, k) { r.push(k); }); return r; };
        M.prototype.values = function () { var r = []; this.forEach(function (v) { r.push(v); }); return r; };
        M.prototype.entries = function () { var r = []; this.forEach(function (v, k) { r.push([k, v]); }); return r; };
        def(G, 'Map', M);
    }
    if (typeof G.Set === 'undefined') {
        var S = function Set(it) { Coll.call(this); fill(this, it, false); };
        S.prototype.add = function (k) { this._vals[slot(this, k, true)] = k; return this; };
        S.prototype.has = function (k) { return slot(this, k, false) >= 0; };
        S.prototype['delete'] = function (k) { return removeSlot(this, k); };
        S.prototype.clear = function () { Coll.call(this); };
        S.prototype.forEach = function (fn, thisArg) {
            var self = this;
            each(this, function (v) { fn.call(thisArg, v, v, self); });
        };
        S.prototype.values = S.prototype.keys = function () {
            var r = [];
            this.forEach(function (v) { r.push(v); });
            return r;
        };
        S.prototype.entries = function () { var r = []; this.forEach(function (v) { r.push([v, v]); }); return r; };
        def(G, 'Set', S);
    }
    if (typeof G.WeakMap === 'undefined') {
        var wmId = 0;
        var W = function WeakMap() { this._k = '\xffwm' + (wmId++); };
        W.prototype.get = function (o) {
            var d = Object.getOwnPropertyDescriptor(Object(o), this._k);
            return d ? d.value : undefined;
        };
        W.prototype.set = function (o, v) {
            Object.defineProperty(o, this._k, {value: v, writable: true, configurable: true, enumerable: false});
            return this;
        };
        W.prototype.has = function (o) { return Object.prototype.hasOwnProperty.call(Object(o), this._k); };
        W.prototype['delete'] = function (o) { return delete o[this._k]; };
        def(G, 'WeakMap', W);
    }

    /* Base64, as browsers have it */
    var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    def(G, 'btoa', function (s) {
        s = String(s);
        var out = '';
        for (var i = 0; i < s.length; i += 3) {
            var a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
            if (a > 255 || b > 255 || c > 255) throw new Error('btoa: character out of range');
            var n = (a << 16) | ((b || 0) << 8) | (c || 0);
            out += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63) +
                   (i + 1 < s.length ? B64.charAt((n >> 6) & 63) : '=') +
                   (i + 2 < s.length ? B64.charAt(n & 63) : '=');
        }
        return out;
    });
    def(G, 'atob', function (s) {
        s = String(s).replace(/[\s=]+/g, '');
        var out = '', bits = 0, acc = 0;
        for (var i = 0; i < s.length; i++) {
            var v = B64.indexOf(s.charAt(i));
            if (v < 0) throw new Error('atob: invalid character');
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out += String.fromCharCode((acc >> bits) & 255);
            }
        }
        return out;
    });
    def(G, 'globalThis', G);
})(this);
