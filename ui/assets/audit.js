/* audit.js: the auditor's page (/audit): the filters of `isa audit`, a table that pages through isad's pages, the CSV and JSON lines downloads, the checkpoint and the export to keep, and the verification of an export here on this computer. */
'use strict';

(function () {
	const ui = window.isaUi;
	const h = ui.h;

	/* The filters of `isa audit`, as the query and the form name them. */
	const FILTERS = ['doc', 'user', 'agency', 'action', 'decision', 'since',
	    'until'];
	/* From and Before take a date and, optionally, a time of day (UTC):
	 * the address carries each apart, the API the two as one RFC 3339
	 * time, as `isa audit --since 2026-02-28T09:00:00Z` takes it. */
	const TIMES = { since: 'since_time', until: 'until_time' };
	const DECISIONS = [
		['', 'Any decision'], ['permit', 'permit'], ['deny', 'deny'],
		['not_found', 'not_found'], ['gone', 'gone'], ['error', 'error'],
	];
	/* An audit record's time to the second, in the reader's time zone;
	 * the exact one (UTC, to the millisecond) kept in datetime. */
	const TIME_FMT = new Intl.DateTimeFormat('en-GB', {
		day: 'numeric', month: 'short', year: 'numeric',
		hour: '2-digit', minute: '2-digit', second: '2-digit',
	});
	/* Records on one page of the table (isad's own page is at most 2000). */
	const LIMIT = 50;
	const LIMIT_MAX = 2000;

	/* The address's filters and place: {f: {doc...}, after, trail, limit}.
	 * trail holds the cursors of the pages before this one (Previous). */
	function view() {
		const q = new URLSearchParams(location.search);
		const f = {};
		const limit = Number(q.get('limit'));

		FILTERS.forEach(function (k) {
			f[k] = (q.get(k) || '').trim();
		});
		Object.keys(TIMES).forEach(function (k) {
			const t = (q.get(TIMES[k]) || '').trim();
			const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):00Z$/.exec(f[k]);

			f[TIMES[k]] = m !== null ? m[2] : t;
			if (m !== null)
				f[k] = m[1];
		});
		return {
			f: f,
			after: /^\d+$/.test(q.get('after') || '') ?
			    q.get('after') : '0',
			trail: (q.get('trail') || '').split('.').filter(function (x) {
				return /^\d+$/.test(x);
			}),
			limit: Number.isInteger(limit) && limit > 0 &&
			    limit <= LIMIT_MAX ? limit : LIMIT,
		};
	}

	/* The filters that are set, as a query (for the API and the links). */
	function filterQuery(f) {
		const q = new URLSearchParams();

		FILTERS.forEach(function (k) {
			const t = TIMES[k] ? f[TIMES[k]] : '';

			if (f[k] !== '' && /^\d{2}:\d{2}$/.test(t || ''))
				q.set(k, f[k] + 'T' + t + ':00Z');
			else if (f[k] !== '')
				q.set(k, f[k]);
		});
		return q;
	}

	/* /audit's address for v at cursor after, with trail before it. */
	function pageHref(v, after, trail) {
		const q = filterQuery(v.f);

		if (after !== '0')
			q.set('after', after);
		if (trail.length > 0)
			q.set('trail', trail.join('.'));
		if (v.limit !== LIMIT)
			q.set('limit', String(v.limit));
		const s = q.toString();

		return '/audit' + (s ? '?' + s : '');
	}

	/* A download link's address: links carry no header, so the key goes
	 * in the query, as for a document's download. */
	function downloadHref(path, q) {
		const p = new URLSearchParams(q || '');

		p.set('k', ui.state.key);
		return path + '?' + p.toString();
	}

	/* ---- the form ---- */

	function field(id, label, hint, control) {
		return h('div', { class: 'govuk-form-group', id: id + '-group' },
		    h('label', { class: 'govuk-label', for: id }, label),
		    hint ? h('div', { class: 'govuk-hint', id: id + '-hint' },
			hint) : null,
		    control);
	}

	function textInput(id, name, value, hint, cls) {
		return h('input', {
			class: 'govuk-input ' + (cls || ''), id: id, name: name,
			type: 'text', value: value, spellcheck: 'false',
			autocomplete: 'off',
			'aria-describedby': hint ? id + '-hint' : null,
		});
	}

	/* A select of the directory's entries (map id -> name), or a text
	 * input when the directory gave none. */
	function chooser(id, name, value, map, anyText) {
		if (map.size === 0)
			return textInput(id, name, value, null, 'govuk-!-width-full');
		const ids = Array.from(map.keys()).sort(function (a, b) {
			return (map.get(a) || a).localeCompare(map.get(b) || b);
		});
		const sel = h('select', {
			class: 'govuk-select govuk-!-width-full', id: id, name: name,
		},
		    h('option', { value: '' }, anyText),
		    ids.map(function (k) {
			    return h('option', { value: k, selected: k === value },
				ui.named(map, k));
		    }));

		/* A value the directory does not list (a user since removed)
		 * is kept, as its id. */
		if (value !== '' && !map.has(value))
			sel.appendChild(h('option', { value: value, selected: true },
			    value));
		return sel;
	}

	/* A row of the form's grid: fields side by side on a wide screen. */
	function gridRow(cols) {
		return h('div', { class: 'govuk-grid-row' }, cols.map(function (c) {
			return h('div', { class: 'govuk-grid-column-one-third' }, c);
		}));
	}

	function filterForm(v, dir) {
		const f = v.f;
		const WIDE = 'govuk-!-width-full';

		return h('form', {
			method: 'get', action: '/audit', novalidate: true,
			id: 'isa-audit-filters',
		},
		    h('fieldset', { class: 'govuk-fieldset' },
			h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--m' },
			    h('h2', { class: 'govuk-fieldset__heading' },
				'Find records')),
			h('div', { class: 'govuk-hint' }, 'The filters of isa audit: ' +
			    'leave a field empty to match every record.'),
			gridRow([
				field('isa-f-doc', 'Document ID', null,
				    textInput('isa-f-doc', 'doc', f.doc, null, WIDE)),
				field('isa-f-user', 'User', null,
				    chooser('isa-f-user', 'user', f.user, dir.users,
					'Any user')),
				field('isa-f-agency', 'Agency', null,
				    chooser('isa-f-agency', 'agency', f.agency,
					dir.agencies, 'Any agency')),
			]),
			gridRow([
				field('isa-f-action', 'Action',
				    'For example get, put or share',
				    textInput('isa-f-action', 'action', f.action, true,
					WIDE)),
				field('isa-f-decision', 'Decision', 'What the server ' +
				    'decided', h('select', {
					    class: 'govuk-select ' + WIDE,
					    id: 'isa-f-decision', name: 'decision',
					    'aria-describedby': 'isa-f-decision-hint',
				    }, DECISIONS.map(function (d) {
					    return h('option', {
						    value: d[0],
						    selected: d[0] === f.decision,
					    }, d[1]);
				    }))),
			]),
			gridRow([
				field('isa-f-since', 'From', 'From the start of this ' +
				    'day (UTC), or of the time below', h('input', {
					    class: 'govuk-input ' + WIDE,
					    id: 'isa-f-since', name: 'since', type: 'date',
					    value: f.since,
					    'aria-describedby': 'isa-f-since-hint',
				    })),
				field('isa-f-until', 'Before', 'Before the start of ' +
				    'this day (UTC), or of the time below', h('input', {
					    class: 'govuk-input ' + WIDE,
					    id: 'isa-f-until', name: 'until', type: 'date',
					    value: f.until,
					    'aria-describedby': 'isa-f-until-hint',
				    })),
			]),
			gridRow([
				field('isa-f-since-time', 'From time (optional)',
				    'Hours and minutes (UTC), with the date above', h('input', {
					    class: 'govuk-input ' + WIDE,
					    id: 'isa-f-since-time', name: 'since_time',
					    type: 'time', value: f.since_time,
					    'aria-describedby': 'isa-f-since-time-hint',
				    })),
				field('isa-f-until-time', 'Before time (optional)',
				    'Hours and minutes (UTC), with the date above', h('input', {
					    class: 'govuk-input ' + WIDE,
					    id: 'isa-f-until-time', name: 'until_time',
					    type: 'time', value: f.until_time,
					    'aria-describedby': 'isa-f-until-time-hint',
				    })),
			]),
			v.limit !== LIMIT ? h('input', {
				type: 'hidden', name: 'limit', value: String(v.limit),
			}) : null,
			h('div', { class: 'govuk-button-group' },
			    h('button', {
				    type: 'submit', class: 'govuk-button',
				    id: 'isa-audit-search',
			    }, 'Search'),
			    ui.link('/audit', 'Clear the filters'))));
	}

	/* Where the page's parts are, for the long page of records. */
	function contents() {
		return h('nav', { class: 'isa-contents', 'aria-label': 'On this page' },
		    h('ul', { class: 'govuk-list' },
			h('li', null, ui.link('#isa-audit-records-h', 'Records')),
			h('li', null, ui.link('#isa-audit-keep-h',
			    'Keep a checkpoint or the whole log')),
			h('li', null, ui.link('#isa-audit-verify-h',
			    'Verify an export'))));
	}

	/* ---- the table ---- */

	const COLUMNS = [
		['time', 'Time'], ['actor', 'Actor'], ['agency', 'Agency'],
		['action', 'Action'], ['doc', 'Document'], ['marking', 'Marking'],
		['target', 'Target'], ['decision', 'Decision'],
		['count', 'Count'], ['reason', 'Reason'], ['request', 'Request'],
	];

	function cell(r, key, dir) {
		const v = r[key];

		if (v === undefined || v === null || v === '')
			return '';
		switch (key) {
		case 'time': {
			const t = Date.parse(String(v));

			return isNaN(t) ? String(v) :
			    h('time', { datetime: String(v) }, TIME_FMT.format(t));
		}
		case 'actor':
			return ui.named(dir.users, String(v));
		case 'agency':	/* the id: the actor's name says who */
			return String(v);
		case 'doc':
			return h('span', { class: 'isa-code' }, String(v));
		case 'marking':
			return ui.markingTag(String(v), null);
		case 'target':
			return ui.principal(dir, String(v));
		case 'count':	/* how many requests it stands for, if not one */
			return Number(v) > 1 ? String(v) : '';
		default:
			return String(v);
		}
	}

	function recordRow(r, dir) {
		return h('tr', { class: 'govuk-table__row', 'data-seq': r.seq },
		    COLUMNS.map(function (c) {
			    return h('td', { class: 'govuk-table__cell' +
				(c[0] === 'time' ? ' isa-nowrap' : '') },
				cell(r, c[0], dir));
		    }));
	}

	function recordTable(records, dir) {
		return h('div', {
			class: 'isa-audit-scroll', tabindex: '0', role: 'region',
			'aria-labelledby': 'isa-audit-caption',
		}, h('table', { class: 'govuk-table isa-audit-table', id: 'isa-audit-table' },
		    h('caption', {
			    class: 'govuk-table__caption govuk-table__caption--s',
			    id: 'isa-audit-caption',
		    }, 'Audit records'),
		    h('thead', { class: 'govuk-table__head' },
			h('tr', { class: 'govuk-table__row' },
			    COLUMNS.map(function (c) {
				    return h('th', {
					    class: 'govuk-table__header', scope: 'col',
				    }, c[1]);
			    }))),
		    h('tbody', { class: 'govuk-table__body' },
			records.map(function (r) { return recordRow(r, dir); }))));
	}

	function pager(v, r) {
		const nav = h('nav', {
			class: 'govuk-pagination', 'aria-label': 'Pages of records',
			id: 'isa-audit-pages',
		});

		if (v.trail.length > 0) {
			const trail = v.trail.slice(0, -1);

			nav.appendChild(h('div', { class: 'govuk-pagination__prev' },
			    h('a', {
				    class: 'govuk-link govuk-pagination__link',
				    href: pageHref(v, v.trail[v.trail.length - 1], trail) +
					'#records',
				    rel: 'prev', id: 'isa-audit-prev',
			    }, h('span', { class: 'govuk-pagination__link-title' },
				'Previous', ui.hidden(' page')))));
		}
		if (r.more)
			nav.appendChild(h('div', { class: 'govuk-pagination__next' },
			    h('a', {
				    class: 'govuk-link govuk-pagination__link',
				    href: pageHref(v, String(r.next),
					v.trail.concat([v.after])) + '#records',
				    rel: 'next', id: 'isa-audit-next',
			    }, h('span', { class: 'govuk-pagination__link-title' },
				'Next', ui.hidden(' page')))));
		nav.hidden = nav.childNodes.length === 0;
		return nav;
	}

	function downloads(v) {
		const q = filterQuery(v.f).toString();

		return h('p', { class: 'govuk-body', id: 'isa-audit-downloads' },
		    'Download every record these filters find: ',
		    h('a', {
			    class: 'govuk-link', id: 'isa-audit-csv', download: true,
			    href: downloadHref('/api/audit/csv', q),
		    }, 'CSV'),
		    ' or ',
		    h('a', {
			    class: 'govuk-link', id: 'isa-audit-jsonl', download: true,
			    href: downloadHref('/api/audit/jsonl', q),
		    }, 'JSON lines'),
		    '.');
	}

	/* The records part: the count, the table, the pages, the downloads. */
	function results(v, r, dir) {
		const records = r.records || [];
		const page = v.trail.length + 1;
		const count = h('p', {
			class: 'govuk-body', id: 'isa-audit-count', tabindex: '-1',
		}, records.length === 0 ? (page === 1 ?
		    'No records match these filters.' :
		    'No more records match these filters.') :
		    'Page ' + ui.num(page) + ': ' + ui.plural(records.length,
		    'record', 'records') + (r.more ? ', more on the next page' :
		    '') + '.');

		return h('section', { 'aria-labelledby': 'isa-audit-records-h' },
		    h('h2', { class: 'govuk-heading-m', id: 'isa-audit-records-h' },
			'Records'),
		    count,
		    records.length > 0 ? recordTable(records, dir) : null,
		    pager(v, r),
		    downloads(v));
	}

	/* ---- keeping: the checkpoint and the export ---- */

	function keeping() {
		return h('section', { 'aria-labelledby': 'isa-audit-keep-h' },
		    h('h2', { class: 'govuk-heading-m', id: 'isa-audit-keep-h' },
			'Keep a checkpoint or the whole log'),
		    h('p', { class: 'govuk-body' }, 'A checkpoint is the log\u2019s ' +
			'size and root hash, signed by the server. Keep it ' +
			'somewhere the server cannot reach: a later export that ' +
			'verifies against it proves the log only grew since.'),
		    h('div', { class: 'govuk-button-group' },
			h('a', {
				class: 'govuk-button govuk-button--secondary',
				id: 'isa-audit-checkpoint', download: true,
				href: downloadHref('/api/audit/checkpoint'),
			}, 'Download the current checkpoint'),
			h('a', {
				class: 'govuk-button govuk-button--secondary',
				id: 'isa-audit-export', download: true,
				href: downloadHref('/api/audit/export'),
			}, 'Download the whole export')));
	}

	/* ---- verifying an export ---- */

	function fileField(id, name, label, hint) {
		return h('div', { class: 'govuk-form-group', id: id + '-group' },
		    h('label', { class: 'govuk-label', for: id }, label),
		    h('div', { class: 'govuk-hint', id: id + '-hint' }, hint),
		    h('p', { class: 'govuk-error-message', id: id + '-error', hidden: true }),
		    h('input', {
			    class: 'govuk-file-upload', id: id, name: name,
			    type: 'file', 'aria-describedby': id + '-hint',
		    }));
	}

	/* Mark field id in error with text, or clear it (text null). */
	function fieldError(id, text) {
		const group = ui.byId(id + '-group');
		const msg = ui.byId(id + '-error');
		const input = ui.byId(id);

		group.classList.toggle('govuk-form-group--error', text !== null);
		input.classList.toggle('govuk-file-upload--error', text !== null);
		msg.hidden = text === null;
		msg.replaceChildren();
		input.setAttribute('aria-describedby', id + '-hint' +
		    (text !== null ? ' ' + id + '-error' : ''));
		if (text !== null)
			ui.append(msg, [ui.hidden('Error: '), text]);
	}

	/* The verdict's place: a green panel, or an error summary whose
	 * sentence is the CLI's. */
	function showVerdict(slot, node) {
		slot.replaceChildren(node);
		node.focus();
	}

	function passed(r) {
		return h('div', {
			class: 'govuk-panel govuk-panel--confirmation', tabindex: '-1',
			id: 'isa-verdict', role: 'status',
		},
		    h('h3', { class: 'govuk-panel__title' }, 'The export verified'),
		    h('div', { class: 'govuk-panel__body', id: 'isa-verdict-message' },
			r.message));
	}

	function failed(title, message, links, level) {
		return h('div', {
			class: 'govuk-error-summary', tabindex: '-1', id: 'isa-verdict',
		}, h('div', { role: 'alert' },
		    h('h' + (level || 3), { class: 'govuk-error-summary__title' },
			title),
		    h('div', { class: 'govuk-error-summary__body' },
			message ? h('p', { class: 'govuk-body', id: 'isa-verdict-message' },
			    message) : null,
			links && links.length > 0 ? h('ul', {
				class: 'govuk-list govuk-error-summary__list',
			}, links.map(function (l) {
				return h('li', null, h('a', { href: '#' + l[0] }, l[1]));
			})) : null)));
	}

	/* POST the form's files with XMLHttpRequest (its upload progress; a
	 * fetch has none), the session's key and CSRF token: {status, body}. */
	function sendForm(form, progress) {
		return new Promise(function (resolve) {
			const x = new XMLHttpRequest();

			x.open('POST', '/api/audit/verify');
			x.setRequestHeader('Accept', 'application/json');
			x.setRequestHeader('X-ISA-Key', ui.state.key);
			x.setRequestHeader('X-CSRF-Token', ui.state.csrf || '');
			x.responseType = 'text';
			x.upload.onprogress = function (ev) {
				if (ev.lengthComputable)
					progress(ev.loaded, ev.total);
			};
			x.upload.onload = function () { progress(null, null); };
			x.onload = function () {
				let body = null;

				try {
					body = JSON.parse(x.responseText);
				} catch (e) {
					body = null;
				}
				resolve({ status: x.status, body: body });
			};
			x.onerror = function () { resolve({ status: 0, body: null }); };
			x.send(new FormData(form));
		});
	}

	function verifier() {
		const slot = h('div', { id: 'isa-verdict-slot' });
		const status = h('p', {
			class: 'govuk-body', id: 'isa-verify-status', role: 'status',
			'aria-live': 'polite',
		});
		const bar = h('progress', {
			id: 'isa-verify-progress', max: '100', value: '0', hidden: true,
			'aria-label': 'Export sent to isa ui',
		});
		const button = h('button', {
			type: 'submit', class: 'govuk-button', id: 'isa-verify',
		}, 'Verify');
		const form = h('form', {
			id: 'isa-verify-form', novalidate: true,
			enctype: 'multipart/form-data',
		},
		    fileField('isa-v-export', 'export', 'The export',
			'The file isa audit export (or the download above) wrote.'),
		    fileField('isa-v-key', 'key', 'The audit log\u2019s public key',
			'audit.pub.pem, as your operator gave it to you (never ' +
			'take it from the server you are checking).'),
		    fileField('isa-v-checkpoint', 'checkpoint',
			'A checkpoint you kept (optional)',
			'To prove the log only grew since you kept it.'),
		    button, bar, status);

		form.addEventListener('submit', async function (ev) {
			ev.preventDefault();
			const missing = [];

			if (ui.byId('isa-v-export').files.length === 0)
				missing.push(['isa-v-export', 'Choose the export to verify']);
			if (ui.byId('isa-v-key').files.length === 0)
				missing.push(['isa-v-key', 'Choose the audit log\u2019s public key']);
			['isa-v-export', 'isa-v-key', 'isa-v-checkpoint'].forEach(function (id) {
				const m = missing.find(function (x) { return x[0] === id; });

				fieldError(id, m ? m[1] : null);
			});
			if (missing.length > 0) {
				showVerdict(slot, failed('There is a problem', null, missing));
				return;
			}
			slot.replaceChildren();
			button.disabled = true;
			bar.hidden = false;
			bar.value = 0;
			status.textContent = 'Sending the export to isa ui on this computer\u2026';
			const r = await sendForm(form, function (done, total) {
				if (done === null) {
					bar.value = 100;
					status.textContent = 'Verifying\u2026';
				} else
					bar.value = Math.floor(done * 100 / Math.max(total, 1));
			});
			button.disabled = false;
			bar.hidden = true;
			status.textContent = '';
			const b = r.body;

			if (r.status === 200 && b && b.verified === true)
				showVerdict(slot, passed(b));
			else if (r.status === 200 && b)
				showVerdict(slot, failed('The export did not verify',
				    b.message));
			else if (b && b.error && (b.error.kind === 'session' ||
			    b.error.kind === 'csrf'))
				ui.showError(new ui.ApiError('session', b.error.message,
				    r.status));
			else if (b && b.error)
				showVerdict(slot, failed('The export could not be checked',
				    b.error.message));
			else if (r.status === 0)
				ui.showError(new ui.ApiError('offline',
				    'This page cannot reach isa ui on this computer.', 0));
			else
				showVerdict(slot, failed('The export could not be checked',
				    'isa ui gave an answer this page does not understand.'));
		});

		return h('section', { 'aria-labelledby': 'isa-audit-verify-h' },
		    h('h2', { class: 'govuk-heading-m', id: 'isa-audit-verify-h' },
			'Verify an export'),
		    h('p', { class: 'govuk-body' }, 'isa checks the export here, on ' +
			'this computer, as isa audit verify does: every record ' +
			'against the signed checkpoint and the tree root. Nothing ' +
			'is sent to the server.'),
		    slot, form);
	}

	/* ---- the page ---- */

	/* Not an auditor: isad's refusal word for word (rule 10). */
	function refused(e) {
		const summary = h('div', { class: 'govuk-error-summary', tabindex: '-1' },
		    h('div', { role: 'alert' },
			h('h1', { class: 'govuk-error-summary__title' },
			    'You cannot see the audit log'),
			h('div', { class: 'govuk-error-summary__body' },
			    h('p', { class: 'govuk-body', id: 'isa-audit-refusal' },
				e.message),
			    h('p', { class: 'govuk-body' }, 'Only the board\u2019s ' +
				'auditors can. If your work needs it, ask the board ' +
				'administrator.'))));

		ui.setBanner(null);
		ui.setMain('Audit', summary);
		summary.focus();
	}

	async function render() {
		const v = view();
		const q = filterQuery(v.f);
		let r, dir;

		q.set('after', v.after);
		q.set('limit', String(v.limit));
		try {
			[r, dir] = await Promise.all([
				ui.api('/api/audit?' + q.toString()), ui.directory()]);
		} catch (e) {
			if (e.kind === 'denied')
				refused(e);
			else if (e.kind === 'bad') {
				/* A filter the API refused (a date not a date): its
				 * sentence, the form to put it right. */
				const d = await ui.directory();
				const summary = failed('There is a problem', e.message,
				    null, 2);

				ui.setBanner(null);
				ui.setMain('Audit', [
					h('h1', { class: 'govuk-heading-l' }, 'Audit'),
					summary, filterForm(v, d)]);
				summary.focus();
			} else
				ui.showError(e);
			return;
		}
		ui.setBanner(r.banner);
		ui.setMain('Audit', [
			h('h1', { class: 'govuk-heading-l' }, 'Audit'),
			contents(),
			filterForm(v, dir),
			results(v, r, dir),
			keeping(),
			verifier(),
		]);
		/* Another page of records (#records): the reader is taken to
		 * it, as a page that moved on in place would. */
		if (location.hash === '#records')
			ui.byId('isa-audit-count').focus();
	}

	ui.page('/audit', render);
}());
