// SPDX-License-Identifier: LGPL-2.1-or-later
//
// What the gjs GIR tests share (a legacy module: imports.helpers once the
// test's folder is on imports.searchPath): checks that throw on the first
// failure and count, waiting on the default main context, and a trace of
// a socket's signals and property notifies; UTF-8 in and out.

const {GLib} = imports.gi;

var TIMEOUT_MS = 5000;
let checks = 0;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// A string as UTF-8 bytes, and GLib.Bytes back as a string.
function encode(string) {
    return encoder.encode(string);
}

function decode(bytes) {
    return decoder.decode(bytes.toArray());
}

function check(condition, what) {
    checks++;
    if (!condition)
        throw new Error(`check failed: ${what}`);
}

function checkEqual(actual, expected, what) {
    check(JSON.stringify(actual) === JSON.stringify(expected),
        `${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
}

function checkCount() {
    return checks;
}

// Iterates the default context until predicate() or fails at the deadline.
function runUntil(predicate) {
    const context = GLib.MainContext.default();
    let expired = false;
    const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, TIMEOUT_MS, () => {
        expired = true;
        return GLib.SOURCE_REMOVE;
    });
    while (!predicate() && !expired)
        context.iteration(true);
    if (!expired)
        GLib.source_remove(id);
    check(predicate(), 'condition reached before the deadline');
}

// Logs the plain (argument-less) signals by name, state-changed,
// error-occurred and bytes-written with their argument, and
// notify::<p> as "notify::<p>=<JSON value>" for each p in notify.
function trace(socket, log, plainSignals, notify = []) {
    for (const name of plainSignals)
        socket.connect(name, () => log.push(name));
    socket.connect('state-changed', (s, state) => log.push(`state-changed(${state})`));
    socket.connect('error-occurred', (s, error) => log.push(`error-occurred(${error})`));
    socket.connect('bytes-written', (s, count) => log.push(`bytes-written(${count})`));
    for (const prop of notify) {
        socket.connect(`notify::${prop}`, s =>
            log.push(`notify::${prop}=${JSON.stringify(s[prop.replace(/-/g, '_')])}`));
    }
}
