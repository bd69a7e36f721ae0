#!/usr/bin/env node
// ODK reference runner: fills XForms with the official ODK Web Forms engine
// (@getodk/xforms-engine) under Node.js + jsdom, and reports the engine's
// verdict, so that our C++ engine can be compared against it.
//
// Protocol (see README.md): JSON Lines on stdin, one JSON line out per
// non-blank input line, in order.
//   in : {"form": "/abs/form.xml", "answers": {"/data/q": "v", ...},
//         "mediaDir": "/abs/dir" (optional), "timeoutMs": 20000 (optional)}
//   out: {"loaded", "error", "valid", "problems", "submission", "warnings"}
//
// Structure: the main thread reads stdin and hands one request at a time to a
// worker thread that runs the engine. If a form takes longer than the timeout
// (including a synchronous infinite loop inside the engine), the worker is
// terminated and replaced, and that line is reported as loaded=false.

import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TIMEOUT_MS = Number(process.env.ODK_REF_TIMEOUT_MS) || 20000;

if (isMainThread) {
	await mainThread();
} else {
	await workerThread();
}

// ---------------------------------------------------------------------------
// Main thread: stdin/stdout protocol, sequencing and timeouts.
// ---------------------------------------------------------------------------

async function mainThread() {
	let worker = null;
	let pending = null; // { resolve } for the request in flight

	// Events are only acted on while they come from the current worker: a
	// worker killed after a timeout still emits 'exit' later, which must not
	// touch the request (or the worker) that replaced it.
	const startWorker = () => {
		const w = new Worker(new URL(import.meta.url));
		worker = w;
		w.on('message', (msg) => {
			if (w === worker) pending?.resolve(msg);
		});
		w.on('error', (err) => {
			if (w === worker) pending?.resolve(failure(`engine worker error: ${err?.message ?? err}`));
		});
		w.on('exit', (code) => {
			// An unexpected exit (e.g. out of memory) fails the request in flight.
			if (w !== worker) return;
			worker = null;
			pending?.resolve(failure(`engine worker exited unexpectedly (code ${code})`));
		});
	};

	const runOne = (request) =>
		new Promise((resolve) => {
			if (worker == null) startWorker();
			const timeoutMs = Number(request?.timeoutMs) || TIMEOUT_MS;
			const timer = setTimeout(() => {
				// A hang (even a synchronous one) is cut off by killing the worker;
				// the next request gets a fresh one.
				const w = worker;
				worker = null;
				pending?.resolve(failure(`timeout: form did not finish within ${timeoutMs} ms`));
				w?.terminate();
			}, timeoutMs);
			pending = {
				resolve: (msg) => {
					clearTimeout(timer);
					pending = null;
					resolve(msg);
				},
			};
			worker.postMessage(request);
		});

	// If the reader goes away (EPIPE), there is no one left to answer: stop.
	process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1));

	const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
	for await (const line of rl) {
		if (line.trim() === '') continue; // blank lines produce no output
		let request;
		try {
			request = JSON.parse(line);
		} catch (err) {
			writeLine(failure(`bad input line (not JSON): ${err.message}`));
			continue;
		}
		writeLine(await runOne(request));
	}
	const last = worker;
	worker = null;
	await last?.terminate();
	process.exit(0);
}

// stdout writes to pipes and files are synchronous on Linux, so each line is
// flushed as soon as it is written.
function writeLine(obj) {
	process.stdout.write(JSON.stringify(obj) + '\n');
}

function failure(message) {
	return { loaded: false, error: message, valid: false, problems: [], submission: null, warnings: [] };
}

// ---------------------------------------------------------------------------
// Worker thread: the engine itself.
// ---------------------------------------------------------------------------

async function workerThread() {
	// stdout carries the protocol: anything the engine or jsdom logs goes to
	// stderr instead.
	console.log = console.info = console.debug = console.error;
	await installDomGlobals();
	// The engine bundles an Emscripten build of web-tree-sitter which, on
	// Node, reads the CommonJS-only `__dirname` while initialising (its WASM
	// binaries are inlined as data: URLs, so the value itself is not used).
	// Under plain ESM that name does not exist, so provide it.
	globalThis.__dirname ??= path.dirname(new URL(import.meta.url).pathname);
	// The engine instantiates a DOMParser at module load, so it can only be
	// imported once the DOM globals exist.
	const engine = await import('@getodk/xforms-engine');

	parentPort.on('message', async (request) => {
		let result;
		try {
			result = await processRequest(engine, request);
		} catch (err) {
			result = failure(errorMessage(err));
		}
		parentPort.postMessage(result);
	});
}

// The engine is written for browsers; jsdom supplies the DOM pieces it uses.
// Node's own fetch/Blob/File/FormData/crypto are kept as they are.
async function installDomGlobals() {
	const { JSDOM } = await import('jsdom');
	const { window } = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>');
	globalThis.window = window;
	const names = [
		'document', 'DOMParser', 'XMLSerializer', 'Node', 'NodeFilter', 'NodeList', 'Element',
		'Document', 'XMLDocument', 'DocumentFragment', 'DOMImplementation', 'Attr', 'Text',
		'CDATASection', 'Comment', 'ProcessingInstruction', 'CharacterData', 'HTMLElement',
		'HTMLCollection', 'NamedNodeMap', 'XPathResult', 'XPathEvaluator', 'navigator',
	];
	for (const name of names) {
		if (!(name in globalThis) && window[name] !== undefined) globalThis[name] = window[name];
	}
}

async function processRequest(engine, request) {
	const warnings = [];
	const formPath = request?.form;
	if (typeof formPath !== 'string' || formPath === '') {
		return failure('request has no "form" path');
	}
	const answers = request.answers ?? {};

	// --- Load the form ------------------------------------------------------
	let xml;
	try {
		xml = await readFile(formPath, 'utf8');
	} catch (err) {
		return failure(`cannot read form: ${err.message}`);
	}
	const loadResult = await engine.loadForm(xml, {
		fetchFormAttachment: attachmentFetcher(formPath, request.mediaDir),
		// Default behaviour, spelled out: a missing attachment fails the load.
		missingResourceBehavior: 'ERROR',
	});
	if (loadResult.status === 'failure') {
		return failure(errorMessage(loadResult.error));
	}
	if (loadResult.warnings) warnings.push(`load warnings: ${safeJson(loadResult.warnings)}`);

	let instance;
	try {
		instance = loadResult.createInstance({
			// Fixed values so preloads (jr:preload="property") are deterministic.
			preloadProperties: { deviceID: 'odk-reference-runner', username: '', email: '', phoneNumber: '' },
		});
	} catch (err) {
		return failure(`createInstance failed: ${errorMessage(err)}`);
	}
	const root = instance.root;

	// --- Apply answers, in the order given ------------------------------------
	for (const [ref, rawValue] of Object.entries(answers)) {
		try {
			const node = resolveNode(root, ref, warnings);
			if (node) setNodeValue(node, ref, answerText(rawValue), warnings);
		} catch (err) {
			warnings.push(`${ref}: engine rejected value: ${errorMessage(err)}`);
		}
	}

	// --- Validation: the engine's own violation list (relevant nodes only) ----
	const problems = root.validationState.violations.map((v) => ({
		ref: v.reference,
		kind: v.violation?.condition === 'required' || v.violation?.condition === 'constraint'
			? v.violation.condition
			: 'other',
		message: v.violation?.message?.asString ?? '',
	}));

	// --- Submission: the engine's own payload (produced even when invalid) ----
	let submission = null;
	try {
		const payload = await root.prepareInstancePayload({ payloadType: 'monolithic' });
		const file = payload.data[0].get(engine.constants.INSTANCE_FILE_NAME);
		submission = await file.text();
	} catch (err) {
		warnings.push(`prepareInstancePayload failed (${errorMessage(err)}); using root.instanceState.instanceXML`);
		try {
			submission = root.instanceState.instanceXML;
		} catch (err2) {
			warnings.push(`instanceXML failed too: ${errorMessage(err2)}`);
		}
	}

	return { loaded: true, error: null, valid: problems.length === 0, problems, submission, warnings };
}

// --- Attachments (jr://file/..., jr://file-csv/..., jr://images/... etc.) ----

const CONTENT_TYPES = {
	'.csv': 'text/csv',
	'.xml': 'text/xml',
	'.geojson': 'application/geo+json',
	'.json': 'application/json',
};

// Serves jr:// URLs by file name from, in order: mediaDir, <form>-media/, the
// form's own folder. A file found nowhere gets a 404, which the engine turns
// into a load failure naming the resource.
function attachmentFetcher(formPath, mediaDir) {
	const formDir = path.dirname(formPath);
	const mediaFolder = path.join(formDir, path.basename(formPath).replace(/\.[^.]*$/, '') + '-media');
	const dirs = [mediaDir, mediaFolder, formDir].filter((d) => typeof d === 'string' && d !== '');
	return async (url) => {
		const name = decodeURIComponent(String(url.pathname ?? '').split('/').pop() || '');
		for (const dir of dirs) {
			try {
				const data = await readFile(path.join(dir, name));
				const type = CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
				return new Response(data, { status: 200, headers: { 'Content-Type': type } });
			} catch {
				// try the next folder
			}
		}
		return new Response(`not found: ${url.href}`, { status: 404 });
	};
}

// --- Finding nodes ---------------------------------------------------------

// Splits "/data/grp/rep[2]/name" into [{name:'data'}, ..., {name:'rep', pos:2}, ...].
function parseRef(ref) {
	return ref
		.split('/')
		.filter((s) => s !== '')
		.map((step) => {
			const m = /^(.*?)\[(\d+)\]$/.exec(step);
			return m ? { name: m[1], pos: Number(m[2]) } : { name: step, pos: null };
		});
}

// Last step of a node's definition nodeset, e.g. "name" for /data/rep/name.
function nodeName(node) {
	const nodeset = node.definition?.nodeset ?? node.currentState.reference;
	return nodeset.split('/').pop().replace(/\[\d+\]$/, '');
}

const localName = (qname) => qname.slice(qname.indexOf(':') + 1);

function findChild(parent, name) {
	const children = parent.currentState.children ?? [];
	return (
		children.find((c) => nodeName(c) === name) ??
		children.find((c) => localName(nodeName(c)) === localName(name)) ??
		null
	);
}

// Walks the engine's node tree along the path; repeat instances are created
// (uncontrolled repeats only) until position [n] exists.
function resolveNode(root, ref, warnings) {
	const steps = parseRef(ref);
	if (steps.length === 0 || localName(steps[0].name) !== localName(nodeName(root))) {
		warnings.push(`${ref}: path does not start at the form root /${nodeName(root)}`);
		return null;
	}
	let node = root;
	for (const step of steps.slice(1)) {
		const child = findChild(node, step.name);
		if (child == null) {
			warnings.push(`${ref}: no node "${step.name}" under ${node.currentState.reference}`);
			return null;
		}
		if (child.nodeType.startsWith('repeat-range')) {
			const pos = step.pos ?? 1;
			let instances = child.currentState.children;
			if (instances.length < pos) {
				if (child.nodeType !== 'repeat-range:uncontrolled') {
					warnings.push(`${ref}: repeat ${child.currentState.reference} is count-controlled and has only ${instances.length} instance(s)`);
					return null;
				}
				// afterIndex is 0-based; -1 inserts at the start of an empty range.
				child.addInstances(instances.length - 1, pos - instances.length);
				instances = child.currentState.children;
			}
			node = instances[pos - 1];
		} else {
			if (step.pos != null && step.pos !== 1) {
				warnings.push(`${ref}: position [${step.pos}] on non-repeat node ${child.currentState.reference}`);
				return null;
			}
			node = child;
		}
	}
	return node;
}

// --- Setting values --------------------------------------------------------

const splitList = (value) => value.split(/\s+/).filter((s) => s !== '');

function setNodeValue(node, ref, value, warnings) {
	if (!node.currentState.relevant) {
		// The engine still accepts the value; it is just excluded from the
		// submission and validation while the node stays non-relevant.
		warnings.push(`${ref}: not relevant when answered`);
	}
	switch (node.nodeType) {
		case 'input':
		case 'range':
			node.setValue(value);
			break;
		case 'select': {
			const wanted = node.selectType === 'select1' ? [value].filter((v) => v !== '') : splitList(value);
			node.selectValues(wanted);
			// The engine silently drops values that are not current choices.
			const dropped = wanted.filter((v) => !node.currentState.value.includes(v));
			if (dropped.length) warnings.push(`${ref}: choice(s) not available, dropped by engine: ${dropped.join(' ')}`);
			break;
		}
		case 'rank':
			node.setValues(splitList(value));
			break;
		case 'trigger':
			node.setValue(value !== '' && value.toLowerCase() !== 'false');
			break;
		case 'upload':
			// Only the file name ends up in the instance; the content is empty.
			node.setValue(value === '' ? null : new File([], value));
			break;
		default:
			// note, model-value (calculate / hidden fields), groups, repeats:
			// the engine offers no way to set these.
			warnings.push(`${ref}: node type "${node.nodeType}" cannot be set through the engine API; ignored`);
			return;
	}
	// The engine normalises some values (e.g. decimals "320" -> "320.0"); that
	// is visible in the submission. Only report values it refused outright.
	const got = node.currentState.instanceValue;
	if (got === '' && value !== '' && node.nodeType !== 'select') {
		warnings.push(`${ref}: engine stored an empty value for "${value}"`);
	}
}

// --- Helpers -----------------------------------------------------------------

// Answers are meant to be strings; numbers/booleans are stringified and an
// array (e.g. select-multiple values) is joined with spaces.
function answerText(value) {
	if (value == null) return '';
	if (Array.isArray(value)) return value.map(String).join(' ');
	return String(value);
}

function errorMessage(err) {
	if (err == null) return 'unknown error';
	if (err instanceof AggregateError && err.errors?.length && !err.message) {
		return err.errors.map((e) => e?.message ?? String(e)).join('\n');
	}
	return err.message || String(err);
}

function safeJson(value) {
	try {
		return JSON.stringify(value);
	} catch {
		return String(value);
	}
}
