/* isa.js: isa ui's pages in the browser (inbox, documents, a document, whoami) and what every page shares (window.isaUi: the DOM, the API, banners, errors, the page registry), drawn from the JSON API with DOM calls and textContent only. */
'use strict';

(function () {
	const SERVICE = 'isa: information sharing';
	const PAGE_SIZE = 50;
	const RETRY_MIN_MS = 1000;
	const RETRY_MAX_MS = 30000;
	const DAY_MS = 86400000;
	const RANK = { 'official': 1, 'official-sensitive': 2, 'secret': 3 };

	/* What each kind of API error is called and what the reader can do;
	 * the API's own sentence (the CLI's) is shown between the two. */
	const ERRORS = {
		notfound: ['Document not found',
		    'Check the link or the document ID. If someone told you ' +
		    'about this document, ask them to share it with you.'],
		denied: ['You cannot open this document',
		    'If your work needs it, ask the board administrator about ' +
		    'your clearance, or the originator about its distribution.'],
		recalled: ['This document has been recalled',
		    'It has been withdrawn (by its originator, or by the board ' +
		    'administrator), so it can no longer be ' +
		    'opened. Ask the originator if you still need the information.'],
		unreachable: ['isa cannot reach the server',
		    'Try again later. If it keeps happening, tell the board ' +
		    'administrator.'],
		unavailable: ['The server could not do this now',
		    'The server answered, but could not do it at the moment. ' +
		    'Try again later. If it keeps happening, tell the board ' +
		    'administrator.'],
		interrupted: ['The transfer was interrupted',
		    'The server was restarted, or the transfer waited too ' +
		    'long: nothing was kept. Try again. If it keeps happening, ' +
		    'tell the board administrator.'],
		unconfirmed: ['The server did not confirm the upload',
		    'It may or may not have been stored. Look for it in your ' +
		    'documents before you send it again, or it may be stored ' +
		    'twice.'],
		keyrefused: ['The server did not accept your key',
		    'Tell the board administrator that your key may not be ' +
		    'enrolled, or your account may be disabled: give them your ' +
		    'user.pub file.'],
		session: ['Your session has ended',
		    'Run isa ui again and open the link it prints.'],
		offline: ['isa ui has stopped',
		    'Run isa ui again and open the link it prints.'],
		bad: ['isa could not do that',
		    'Check the address and try again.'],
		error: ['Something went wrong',
		    'Try again. If it keeps happening, tell the board ' +
		    'administrator.'],
	};

	const INBOX_KINDS = {
		'new': 'New material',
		'request': 'Request awaiting your decision',
		'decided': 'Your request decided',
		'notice': 'Oversight notice',
		'review': 'Review due',
		'recalled': 'Recalled',
	};

	const state = {
		key: '',		/* the session's key: see takeKey */
		csrf: null,
		user: null,
		ended: false,
		poll: null,		/* the inbox's AbortController while it waits */
		watch: 0,		/* the inbox watch that may go on */
		directory: null,	/* a promise of the directory's maps */
		whoami: null,		/* a promise of /api/whoami's reply */
	};

	/* ---- the DOM ---- */

	/* h('p', {class: 'govuk-body'}, 'text', node...): an element; attribute
	 * values are set as attributes (true: present, null/false: absent),
	 * children as text nodes or nodes.  Nothing is ever parsed as HTML. */
	function h(tag, attrs) {
		const e = document.createElement(tag);

		for (const k of Object.keys(attrs || {})) {
			const v = attrs[k];

			if (v === null || v === undefined || v === false)
				continue;
			if (k === 'class')
				e.className = v;
			else if (k === 'text')
				e.textContent = v;
			else if (k === 'on')
				for (const ev of Object.keys(v))
					e.addEventListener(ev, v[ev]);
			else
				e.setAttribute(k, v === true ? '' : String(v));
		}
		for (let i = 2; i < arguments.length; i++)
			append(e, arguments[i]);
		return e;
	}

	function append(e, c) {
		if (c === null || c === undefined || c === false)
			return;
		if (Array.isArray(c))
			c.forEach(function (x) { append(e, x); });
		else if (c instanceof Node)
			e.appendChild(c);
		else
			e.appendChild(document.createTextNode(String(c)));
	}

	function byId(id) {
		return document.getElementById(id);
	}

	function hidden(text) {
		return h('span', { class: 'govuk-visually-hidden' }, text);
	}

	function link(href, text, cls) {
		return h('a', { class: cls || 'govuk-link', href: href }, text);
	}

	function docHref(id) {
		return '/doc/' + encodeURIComponent(id);
	}

	/* The main region's content and the page's title. */
	function setMain(title, nodes) {
		const main = byId('main-content');

		document.title = title + ' \u2013 ' + SERVICE;
		main.replaceChildren();
		append(main, nodes);
	}

	function announce(region, text) {
		/* Cleared first, so the same words are read again. */
		region.textContent = '';
		window.setTimeout(function () { region.textContent = text; }, 50);
	}

	/* ---- words and numbers ---- */

	function num(n) {
		return Number(n).toLocaleString('en-GB');
	}

	function plural(n, one, many) {
		return num(n) + ' ' + (n === 1 ? one : many);
	}

	function parseTime(s) {
		const t = typeof s === 'string' && s !== '' ? Date.parse(s) : NaN;

		return isNaN(t) ? null : new Date(t);
	}

	const TIME_FMT = new Intl.DateTimeFormat('en-GB', {
		day: 'numeric', month: 'short', year: 'numeric',
		hour: '2-digit', minute: '2-digit',
	});
	const DATE_FMT = new Intl.DateTimeFormat('en-GB', {
		day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
	});

	/* A time as a <time>: the reader's local time, the exact one kept. */
	function timeNode(s) {
		const d = parseTime(s);

		if (d === null)
			return s || '';
		return h('time', { datetime: s }, TIME_FMT.format(d));
	}

	/* A date or a time, whichever the field holds (policy dates are
	 * YYYY-MM-DD, meaning that UTC day). */
	function dateNode(s) {
		if (/^\d{4}-\d{2}-\d{2}$/.test(s || '')) {
			const d = parseTime(s + 'T00:00:00Z');

			return d === null ? s :
			    h('time', { datetime: s }, DATE_FMT.format(d));
		}
		return timeNode(s);
	}

	function size(n) {
		const units = ['KiB', 'MiB', 'GiB', 'TiB'];
		let v = Number(n), u = -1;

		if (!isFinite(v))
			return String(n);
		if (v < 1024)
			return plural(v, 'byte', 'bytes');
		while (v >= 1024 && u < units.length - 1) {
			v /= 1024;
			u++;
		}
		return v.toFixed(1) + ' ' + units[u] + ' (' + num(n) + ' bytes)';
	}

	/* The classification a banner or a marking is coloured by: the API's
	 * class when it is one we know, else read from the marking's first
	 * word; anything unknown is shown as the highest, never the lowest. */
	function markingClass(cls, marking) {
		const c = String(cls || '').toLowerCase();

		if (Object.prototype.hasOwnProperty.call(RANK, c))
			return c;
		const m = String(marking || '');

		if (/^OFFICIAL-SENSITIVE\b/.test(m))
			return 'official-sensitive';
		if (/^OFFICIAL\b/.test(m))
			return 'official';
		return 'secret';
	}

	function markingTag(marking, cls) {
		return h('strong', {
			class: 'govuk-tag isa-marking--' + markingClass(cls, marking),
		}, marking);
	}

	/* ---- the API ---- */

	function ApiError(kind, message, status) {
		this.kind = Object.prototype.hasOwnProperty.call(ERRORS, kind) ||
		    kind === 'aborted' ? kind : 'error';
		this.message = message;
		this.status = status;
	}

	/* GET (or POST) a JSON API path: the reply's object, or an ApiError
	 * with the API's kind and sentence. */
	async function api(path, options) {
		const opts = Object.assign({
			credentials: 'same-origin',
			cache: 'no-store',
		}, options || {});

		/* Every call carries the session's key: the cookie alone, which
		 * the browser also sends to other ports of 127.0.0.1, opens
		 * nothing. */
		opts.headers = Object.assign({
			'Accept': 'application/json',
			'X-ISA-Key': state.key,
		}, (options && options.headers) || {});
		let resp, body = null;

		try {
			resp = await fetch(path, opts);
		} catch (e) {
			if (e && e.name === 'AbortError')
				throw new ApiError('aborted', '', 0);
			throw new ApiError('offline',
			    'This page cannot reach isa ui on this computer.', 0);
		}
		if (resp.status === 204)
			return null;
		try {
			body = await resp.json();
		} catch (e) {
			if (e && e.name === 'AbortError')
				throw new ApiError('aborted', '', 0);
			body = null;
		}
		if (resp.ok && body !== null && typeof body === 'object')
			return body;
		if (body !== null && typeof body === 'object' && body.error &&
		    typeof body.error.kind === 'string')
			throw new ApiError(body.error.kind,
			    String(body.error.message || ''), resp.status);
		if (resp.status === 403)
			throw new ApiError('session', '', resp.status);
		throw new ApiError('error',
		    'isa ui gave an answer this page does not understand.',
		    resp.status);
	}

	/* POST obj as JSON with the session's CSRF token (isa ui also checks
	 * the Origin the browser adds): the reply's object, or an ApiError. */
	function post(path, obj) {
		return api(path, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				'X-CSRF-Token': state.csrf || '',
			},
			body: JSON.stringify(obj || {}),
		});
	}

	/* The directory as maps from id to name; empty maps when it cannot be
	 * had (the pages then show ids, as the CLI does). */
	function directory() {
		if (state.directory === null)
			state.directory = api('/api/directory').then(function (d) {
				const dir = { users: new Map(), agencies: new Map() };

				(d.users || []).forEach(function (u) {
					dir.users.set(u.id, u.name || '');
				});
				(d.agencies || []).forEach(function (a) {
					dir.agencies.set(a.id, a.name || '');
				});
				return dir;
			}, function () {
				return { users: new Map(), agencies: new Map() };
			});
		return state.directory;
	}

	function whoami() {
		if (state.whoami === null)
			state.whoami = api('/api/whoami');
		return state.whoami;
	}

	/* "Name (id)", or the id alone when the directory has no name. */
	function named(map, id) {
		const name = map.get(id);

		return name ? name + ' (' + id + ')' : id;
	}

	function principal(dir, p) {
		const i = p.indexOf(':');
		const kind = i < 0 ? '' : p.slice(0, i), id = p.slice(i + 1);

		if (kind === 'user' && dir.users.get(id))
			return dir.users.get(id) + ' (' + p + ')';
		if (kind === 'agency' && dir.agencies.get(id))
			return dir.agencies.get(id) + ' (' + p + ')';
		if (p === 'all')
			return 'everyone enrolled (all)';
		return p;
	}

	/* ---- banners and errors ---- */

	function bannerNode(banner, label) {
		const cls = markingClass(banner.class, banner.marking);

		return h('div', {
			class: 'isa-banner isa-marking--' + cls,
			role: 'region',
			'aria-label': label + banner.marking,
		}, h('p', { class: 'isa-banner__text' }, banner.marking));
	}

	/* The reply's banner at the top and the bottom of the page (none when
	 * the reply has no document).  The two landmarks are named apart. */
	function setBanner(banner) {
		const top = byId('isa-banner-top'), bottom = byId('isa-banner-bottom');

		top.replaceChildren();
		bottom.replaceChildren();
		state.banner = banner || null;
		if (!banner || typeof banner.marking !== 'string' ||
		    banner.marking === '')
			return;
		top.appendChild(bannerNode(banner, 'Protective marking: '));
		bottom.appendChild(bannerNode(banner,
		    'Protective marking, end of page: '));
	}

	function errorWords(e) {
		return ERRORS[e.kind] || ERRORS.error;
	}

	/* An error summary: the heading for its kind, the API's sentence word
	 * for word, what to do.  level: 1 when it is the page's heading. */
	function errorSummary(e, level, extra) {
		const words = errorWords(e);

		return h('div', { class: 'govuk-error-summary', tabindex: '-1' },
		    h('div', { role: 'alert' },
			h('h' + level, { class: 'govuk-error-summary__title' },
			    words[0]),
			h('div', { class: 'govuk-error-summary__body' },
			    e.message ? h('p', { class: 'govuk-body' }, e.message) :
			    null,
			    h('p', { class: 'govuk-body' }, words[1]),
			    extra || null)));
	}

	/* A page that is only an error.  The same error always draws the same
	 * page, so an off-list document reads exactly like a missing one. */
	function showError(e) {
		if (e.kind === 'aborted')
			return;
		stopWatching();
		if (e.kind === 'session' || e.kind === 'offline')
			endSession(e);
		if (e.kind === 'session')
			forgetKey();
		const words = errorWords(e);
		const more = e.kind === 'notfound' || e.kind === 'denied' ||
		    e.kind === 'recalled' ? h('p', { class: 'govuk-body' },
		    link('/documents', 'Go to your documents')) : null;
		const summary = errorSummary(e, 1, more);

		setBanner(null);
		setMain(words[0], summary);
		summary.focus();
	}

	/* The session is over (signed out, expired, or isa ui gone): nothing
	 * more is asked of the API and the header offers nothing that would
	 * fail. */
	function stopWatching() {
		state.watch++;
		if (state.poll !== null)
			state.poll.abort();
	}

	function endSession() {
		state.ended = true;
		stopWatching();
		byId('isa-nav').hidden = true;
		byId('isa-user').hidden = true;
	}

	/* ---- the header ---- */

	function markNav() {
		const path = location.pathname;

		document.querySelectorAll('.govuk-service-navigation__link')
		    .forEach(function (a) {
			const href = a.getAttribute('href');
			const here = href === path;
			const within = href === '/documents' &&
			    path.indexOf('/doc/') === 0;

			if (!here && !within)
				return;
			a.parentNode.classList.add(
			    'govuk-service-navigation__item--active');
			a.setAttribute('aria-current', here ? 'page' : 'true');
		});
	}

	async function fillUser() {
		const p = byId('isa-user');
		let text = 'Signed in as ' + state.user;

		try {
			const w = await whoami();

			text = 'Signed in as ' + (w.name || w.id) +
			    (w.agency_name || w.agency ? ', ' +
			    (w.agency_name || w.agency) : '');
		} catch (e) {
			/* isad down: the id from the session will do. */
		}
		if (!state.ended) {
			p.textContent = text;
			p.hidden = false;
		}
	}

	async function signOut(ev) {
		const button = ev.currentTarget;

		button.disabled = true;
		try {
			await api('/api/logout', {
				method: 'POST',
				headers: {
					'Accept': 'application/json',
					'X-CSRF-Token': state.csrf || '',
				},
			});
		} catch (e) {
			if (e.kind !== 'session') {
				button.disabled = false;
				showError(e);
				return;
			}
		}
		showError(new ApiError('session', 'You have signed out.', 204));
	}

	/* ---- the inbox ---- */

	/* A principal in an inbox entry: its id at once, its name when the
	 * directory answers (user: a user id; else a principal). */
	function whoNode(p, user) {
		const span = h('span', null, p || '');

		if (p)
			directory().then(function (dir) {
				span.textContent = user ? named(dir.users, p) :
				    principal(dir, p);
			});
		return span;
	}

	const DECIDED_TAG = {
		approved: 'govuk-tag--green', refused: 'govuk-tag--red',
	};

	/* What an entry says, from its fields.  A request awaiting the reader
	 * links to the requests page; a decided request shows its outcome; an
	 * oversight notice (the Chair's, the administrator's) carries exactly
	 * DESIGN §5's fields: id, marking, originator, requester, target and
	 * approver (the title only when isad sent it). */
	function inboxDetails(e) {
		switch (e.kind) {
		case 'request':
			return [whoNode(e.requester, true), ' asks to share this with ',
			    whoNode(e.target, false), '.', h('br'),
			    link('/requests', 'Decide on your requests page')];
		case 'decided':
			return [h('strong', {
				class: 'govuk-tag ' + (DECIDED_TAG[e.state] || ''),
			    }, e.state ? e.state.charAt(0).toUpperCase() +
			    e.state.slice(1) : ''), ' Your request to share this with ',
			    whoNode(e.target, false), ' was ', e.state || 'decided',
			    ' by ', whoNode(e.actor, true), '.'];
		case 'notice':
			/* A grant made at once has its granter as requester and
			 * approver: said once. */
			return [
				'Onward share: shared with ', whoNode(e.target, false),
				e.requester && e.requester !== e.actor ? [
					' at the request of ', whoNode(e.requester, true),
					', approved by ', whoNode(e.actor, true)] :
				    [' by ', whoNode(e.actor, true),
				    ', who may grant it'], '.', h('br'),
				'Originator: ', whoNode(e.originator ?
				    'agency:' + e.originator : '', false), '.',
			];
		default:
			return e.text || '';
		}
	}

	function inboxRow(e) {
		const tag = e.marking ? markingTag(e.marking, null) : null;
		/* A notice without a title is of a document its reader may not
		 * read: its id, not a link to a page that would say not found. */
		const name = e.kind === 'notice' && !e.title ?
		    h('span', { class: 'isa-code' }, e.doc) :
		    link(docHref(e.doc), e.title || e.doc);
		const doc = e.doc ? [name, tag ? h('br') : null, tag] : '';

		if (tag !== null)
			tag.classList.add('isa-tag--under');

		return h('tr', { class: 'govuk-table__row', 'data-kind': e.kind },
		    h('td', { class: 'govuk-table__cell isa-nowrap' },
			timeNode(e.time)),
		    h('td', { class: 'govuk-table__cell' },
			INBOX_KINDS[e.kind] || e.kind || ''),
		    h('td', { class: 'govuk-table__cell' }, doc),
		    h('td', { class: 'govuk-table__cell' }, inboxDetails(e)));
	}

	function sleep(ms) {
		return new Promise(function (resolve) {
			window.setTimeout(resolve, ms);
		});
	}

	async function renderInbox() {
		let r;

		try {
			r = await api('/api/inbox?after=0');
		} catch (e) {
			showError(e);
			return;
		}
		const entries = (r.entries || []).slice().reverse();
		const seen = new Set(entries.map(function (e) { return e.id; }));
		const tbody = h('tbody', { class: 'govuk-table__body' },
		    entries.map(inboxRow));
		const table = h('table', {
			class: 'govuk-table', hidden: entries.length === 0,
		},
		    h('caption', { class: 'govuk-table__caption govuk-visually-hidden' },
			'Inbox entries, newest first'),
		    h('thead', { class: 'govuk-table__head' },
			h('tr', { class: 'govuk-table__row' },
			    ['Received', 'What', 'Document', 'Details'].map(
				function (t) {
					return h('th', {
						class: 'govuk-table__header' +
						    (t === 'Document' ?
						    ' govuk-!-width-one-third' : ''),
						scope: 'col',
					}, t);
				}))),
		    tbody);
		const empty = h('p', {
			class: 'govuk-body', hidden: entries.length > 0,
		}, 'Your inbox is empty. New entries appear here as they arrive.');
		const problem = h('div', { id: 'isa-inbox-problem' });
		const live = h('div', {
			id: 'isa-inbox-live', class: 'govuk-visually-hidden',
			'aria-live': 'polite', 'aria-atomic': 'true',
		});

		setBanner(r.banner);
		setMain('Inbox', [
			h('h1', { class: 'govuk-heading-l' }, 'Inbox'),
			h('p', { class: 'govuk-body' }, 'New material, requests ' +
			    'awaiting you, your requests decided and notices. New ' +
			    'entries appear here as they arrive.'),
			problem, live, empty, table,
		]);
		watchInbox(Number(r.next) || 0, seen, tbody, table, empty,
		    problem, live);
	}

	/* The banner after new entries: the server's, for the whole inbox
	 * (it alone ranks markings within a class); if it cannot be had, the
	 * higher class of the two. */
	async function raiseBanner(banner) {
		const cur = state.banner;

		if (!banner || (cur && cur.marking === banner.marking))
			return;
		try {
			const all = await api('/api/inbox?after=0');

			if (!state.ended)
				setBanner(all.banner);
		} catch (e) {
			if (!cur || RANK[markingClass(banner.class, banner.marking)] >
			    RANK[markingClass(cur.class, cur.marking)])
				setBanner(banner);
		}
	}

	/* Waits as `isa inbox --watch` does and puts what comes at the top;
	 * a lost server is said once and retried, backing off. */
	async function watchInbox(next, seen, tbody, table, empty, problem,
	    live) {
		const watch = state.watch;
		let delay = RETRY_MIN_MS, failing = false;

		while (!state.ended && state.watch === watch) {
			const started = Date.now();
			let r;

			/* After a failure, ask without waiting, so the page says at
			 * once that the server is back. */
			state.poll = new AbortController();
			try {
				r = await api('/api/inbox?after=' + next +
				    (failing ? '' : '&wait=1'),
				    { signal: state.poll.signal });
			} catch (e) {
				if (e.kind === 'aborted' || state.ended ||
				    state.watch !== watch)
					return;
				if (e.kind === 'session') {
					showError(e);
					return;
				}
				problem.replaceChildren(errorSummary(e, 2,
				    h('p', { class: 'govuk-body' }, 'This page ' +
				    'keeps trying: new entries will appear when the ' +
				    'server answers again.')));
				failing = true;
				await sleep(delay);
				delay = Math.min(delay * 2, RETRY_MAX_MS);
				continue;
			} finally {
				state.poll = null;
			}
			problem.replaceChildren();
			delay = RETRY_MIN_MS;
			failing = false;
			const fresh = (r.entries || []).filter(function (e) {
				return !seen.has(e.id);
			});
			fresh.forEach(function (e) {
				seen.add(e.id);
				tbody.insertBefore(inboxRow(e), tbody.firstChild);
			});
			if (fresh.length > 0) {
				table.hidden = false;
				empty.hidden = true;
				announce(live, plural(fresh.length, 'new entry',
				    'new entries'));
				await raiseBanner(r.banner);
			}
			if (Number(r.next) > next)
				next = Number(r.next);
			else if (fresh.length === 0 &&
			    Date.now() - started < RETRY_MIN_MS)
				await sleep(RETRY_MIN_MS);	/* did not wait */
		}
	}

	/* ---- the documents ---- */

	const COLUMNS = [
		{ key: 'marking', label: 'Marking', first: 'ascending' },
		{ key: 'title', label: 'Title', first: 'ascending',
		    width: 'govuk-!-width-one-third' },
		{ key: 'originator', label: 'Originator', first: 'ascending' },
		{ key: 'created', label: 'Created', first: 'descending' },
	];

	const COLLATOR = new Intl.Collator('en-GB',
	    { numeric: true, sensitivity: 'base' });

	function compareDocs(key) {
		return function (a, b) {
			let c = 0;

			if (key === 'marking')
				c = a.rank - b.rank ||
				    COLLATOR.compare(a.marking, b.marking);
			else if (key === 'title')
				c = COLLATOR.compare(a.title, b.title);
			else if (key === 'originator')
				c = COLLATOR.compare(a.originatorLabel,
				    b.originatorLabel);
			else
				c = a.created < b.created ? -1 :
				    a.created > b.created ? 1 : 0;
			return c || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
		};
	}

	/* The list's view, from the address (so it can be bookmarked). */
	function docsView() {
		const q = new URLSearchParams(location.search);
		const col = COLUMNS.find(function (c) {
			return c.key === q.get('sort');
		}) || COLUMNS[3];
		const order = q.get('order') === 'ascending' ||
		    q.get('order') === 'descending' ? q.get('order') : col.first;
		const page = parseInt(q.get('page') || '1', 10);

		return {
			filter: q.get('filter') || '',
			sort: col.key,
			order: order,
			page: isNaN(page) || page < 1 ? 1 : page,
		};
	}

	function docsSearch(v, page) {
		const q = new URLSearchParams();

		if (v.filter.trim() !== '')
			q.set('filter', v.filter);
		q.set('sort', v.sort);
		q.set('order', v.order);
		if (page > 1)
			q.set('page', String(page));
		return '/documents?' + q.toString();
	}

	function docRow(d) {
		return h('tr', { class: 'govuk-table__row' },
		    h('td', { class: 'govuk-table__cell' },
			markingTag(d.marking, d.classification)),
		    h('td', { class: 'govuk-table__cell' },
			link(docHref(d.id), d.title || d.id)),
		    h('td', { class: 'govuk-table__cell' }, d.originatorLabel),
		    h('td', { class: 'govuk-table__cell isa-nowrap' },
			timeNode(d.created)));
	}

	function pageLink(v, page, rel, text) {
		return h('div', { class: 'govuk-pagination__' + rel },
		    h('a', {
			class: 'govuk-link govuk-pagination__link',
			href: docsSearch(v, page), rel: rel, 'data-page': page,
		    }, h('span', { class: 'govuk-pagination__link-title' },
			text, hidden(' page'))));
	}

	async function renderDocuments() {
		let r, dir;

		try {
			[r, dir] = await Promise.all([api('/api/docs'), directory()]);
		} catch (e) {
			showError(e);
			return;
		}
		const docs = (r.docs || []).map(function (d) {
			const cls = markingClass(d.classification, d.marking);
			const origin = d.originator_name ||
			    dir.agencies.get(d.originator) || d.originator || '';

			return {
				id: String(d.id || ''),
				marking: String(d.marking || ''),
				classification: cls,
				rank: RANK[cls],
				title: String(d.title || ''),
				originatorLabel: String(origin),
				created: String(d.created || ''),
				text: [d.title, d.marking, origin, d.originator]
				    .join('\n').toLowerCase(),
			};
		});
		const input = h('input', {
			class: 'govuk-input govuk-!-width-one-half',
			id: 'isa-filter', name: 'filter', type: 'text',
			spellcheck: 'false', autocomplete: 'off',
			'aria-describedby': 'isa-filter-hint',
		});
		const count = h('p', {
			class: 'govuk-body', id: 'isa-doc-count', tabindex: '-1',
			'aria-live': 'polite',
		});
		const tbody = h('tbody', { class: 'govuk-table__body' });
		const heads = COLUMNS.map(function (c) {
			const arrow = h('span', { 'aria-hidden': 'true' });
			const button = h('button', {
				type: 'button', class: 'isa-sort',
				'data-sort': c.key,
			}, c.label, arrow);

			return { col: c, arrow: arrow, button: button,
			    th: h('th', { class: 'govuk-table__header' +
				(c.width ? ' ' + c.width : ''), scope: 'col' },
				button) };
		});
		const table = h('table', { class: 'govuk-table' },
		    h('caption', { class: 'govuk-table__caption govuk-visually-hidden' },
			'Documents you can read'),
		    h('thead', { class: 'govuk-table__head' },
			h('tr', { class: 'govuk-table__row' },
			    heads.map(function (x) { return x.th; }))),
		    tbody);
		const pager = h('nav', {
			class: 'govuk-pagination', 'aria-label': 'Pages of documents',
		});
		const none = h('p', { class: 'govuk-body' });

		/* Draws the rows, count, sort state and pages for the address. */
		function draw() {
			const v = docsView();
			const terms = v.filter.toLowerCase().split(/\s+/)
			    .filter(Boolean);
			const shown = docs.filter(function (d) {
				return terms.every(function (t) {
					return d.text.indexOf(t) >= 0;
				});
			}).sort(compareDocs(v.sort));

			if (v.order === 'descending')
				shown.reverse();
			const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
			const page = Math.min(v.page, pages);
			const from = (page - 1) * PAGE_SIZE;
			const rows = shown.slice(from, from + PAGE_SIZE);

			if (input.value !== v.filter)
				input.value = v.filter;
			heads.forEach(function (x) {
				const on = x.col.key === v.sort;

				x.th.setAttribute('aria-sort', on ? v.order : 'none');
				x.arrow.textContent = on ? (v.order === 'ascending' ?
				    ' \u25b2' : ' \u25bc') : '';
			});
			tbody.replaceChildren();
			append(tbody, rows.map(docRow));
			table.hidden = rows.length === 0;
			none.hidden = rows.length > 0;
			none.textContent = docs.length === 0 ?
			    'You have no documents yet.' :
			    'No documents match the filter.';
			if (shown.length === 0)
				count.textContent = docs.length === 0 ?
				    'No documents' : 'No documents match (of ' +
				    plural(docs.length, 'document', 'documents') + ')';
			else if (pages === 1)
				count.textContent = terms.length > 0 ?
				    num(shown.length) + ' of ' + plural(docs.length,
				    'document', 'documents') + ' match' :
				    plural(docs.length, 'document', 'documents');
			else
				count.textContent = 'Showing ' + num(from + 1) +
				    ' to ' + num(from + rows.length) + ' of ' +
				    plural(shown.length, 'document', 'documents') +
				    (terms.length > 0 ? ' that match (of ' +
				    num(docs.length) + ')' : '') + ', page ' +
				    num(page) + ' of ' + num(pages);
			pager.replaceChildren();
			pager.hidden = pages === 1;
			if (page > 1)
				pager.appendChild(pageLink(v, page - 1, 'prev',
				    'Previous'));
			if (page < pages)
				pager.appendChild(pageLink(v, page + 1, 'next',
				    'Next'));
		}

		function go(v, page, push) {
			const url = docsSearch(v, page);

			if (push)
				history.pushState(null, '', url);
			else
				history.replaceState(null, '', url);
			draw();
		}

		input.addEventListener('input', function () {
			const v = docsView();

			v.filter = input.value;
			go(v, 1, false);
		});
		heads.forEach(function (x) {
			x.button.addEventListener('click', function () {
				const v = docsView();

				v.order = v.sort === x.col.key ?
				    (v.order === 'ascending' ? 'descending' :
				    'ascending') : x.col.first;
				v.sort = x.col.key;
				go(v, 1, false);
			});
		});
		pager.addEventListener('click', function (ev) {
			const a = ev.target.closest('a[data-page]');

			if (a === null || ev.ctrlKey || ev.metaKey || ev.shiftKey)
				return;
			ev.preventDefault();
			go(docsView(), Number(a.getAttribute('data-page')), true);
			count.focus();
		});
		window.addEventListener('popstate', draw);

		setBanner(r.banner);
		setMain('Documents', [
			h('h1', { class: 'govuk-heading-l' }, 'Documents'),
			h('div', { class: 'govuk-form-group' },
			    h('label', { class: 'govuk-label', for: 'isa-filter' },
				'Filter'),
			    h('div', { class: 'govuk-hint', id: 'isa-filter-hint' },
				'Words in the title, the marking or the ' +
				'originator'),
			    input),
			count, none, table, pager,
		]);
		draw();
	}

	/* ---- one document ---- */

	const DOC_FIELDS = [
		['id', 'Document ID'], ['title', 'Title'], ['marking', 'Marking'],
		['classification', 'Classification'], ['onward', 'Onward sharing'],
		['handling', 'Handling instructions'], ['originator', 'Originator'],
		['author', 'Author'], ['ingested_by', 'Uploaded by'],
		['created', 'Created'], ['review_by', 'Review by'],
		['destroy_after', 'Destroy after'],
		['embargo_until', 'Embargoed until'], ['to', 'Distribution'],
		['derived_from', 'Derived from'], ['supersedes', 'Supersedes'],
		['size', 'Size'], ['sha256', 'SHA-256'], ['state', 'State'],
		['filename', 'File name'],
	];
	const DOC_SKIP = ['originator_name'];

	/* The onward rules in the words the marking prints (DESIGN §5). */
	const ONWARD = {
		'approval': 'Recipients only: the originator decides any wider ' +
		    'sharing (approval)',
		'within-agency': 'Recipient agency use only: readers may share ' +
		    'within their own agency (within-agency)',
		'open': 'For public release (open)',
	};

	function docValue(d, key, dir) {
		const v = d[key];

		switch (key) {
		case 'onward':
			return ONWARD[v] || String(v);
		case 'originator':
			return d.originator_name ? d.originator_name + ' (' + v + ')' :
			    named(dir.agencies, v);
		case 'author':
		case 'ingested_by':
			return named(dir.users, v);
		case 'created':
		case 'review_by':
		case 'destroy_after':
		case 'embargo_until':
			return dateNode(v);
		case 'derived_from':
		case 'supersedes':
			return link(docHref(v), v);
		case 'size':
			return size(v);
		case 'id':
		case 'sha256':
			return h('span', { class: 'isa-code' }, v);
		case 'to':
			return h('ul', { class: 'govuk-list govuk-!-margin-bottom-0' },
			    v.map(function (p) {
				    return h('li', null, principal(dir, String(p)));
			    }));
		default:
			return Array.isArray(v) ? v.join(', ') : String(v);
		}
	}

	function summaryList(rows) {
		return h('dl', { class: 'govuk-summary-list' }, rows.map(function (r) {
			return h('div', { class: 'govuk-summary-list__row' },
			    h('dt', { class: 'govuk-summary-list__key' }, r[0]),
			    h('dd', { class: 'govuk-summary-list__value' }, r[1]));
		}));
	}

	function present(v) {
		return v !== null && v !== undefined && v !== '' &&
		    !(Array.isArray(v) && v.length === 0);
	}

	async function renderDoc(id) {
		let r, dir;

		try {
			[r, dir] = await Promise.all([
				api('/api/doc/' + encodeURIComponent(id)), directory()]);
		} catch (e) {
			showError(e);
			return;
		}
		const d = r.doc || {};
		const title = d.title || d.id || id;
		const known = DOC_FIELDS.map(function (f) { return f[0]; });
		const rows = DOC_FIELDS.filter(function (f) {
			return present(d[f[0]]);
		}).map(function (f) {
			return [f[1], docValue(d, f[0], dir)];
		}).concat(Object.keys(d).filter(function (k) {
			return known.indexOf(k) < 0 && DOC_SKIP.indexOf(k) < 0 &&
			    present(d[k]);
		}).map(function (k) {
			return [k.replace(/_/g, ' '), docValue(d, k, dir)];
		}));
		const active = d.state === undefined || d.state === '' ||
		    d.state === 'active';
		/* A link carries no header: the key goes in its query. */
		const href = '/api/doc/' + encodeURIComponent(d.id || id) +
		    '/content?k=' + encodeURIComponent(state.key);
		const download = active ? [
			h('p', { class: 'govuk-body' }, 'Handle the document as ' +
			    'its marking and the instructions above say.'),
			h('a', {
				class: 'govuk-button', href: href, download: true,
				id: 'isa-download',
			}, 'Download ', d.filename || 'the document',
			    present(d.size) ? ' (' + size(d.size) + ')' : ''),
		] : h('p', { class: 'govuk-body' }, 'This document is ' +
		    d.state + ': it can no longer be downloaded.');

		setBanner(r.banner);
		setMain(title, [
			h('span', { class: 'govuk-caption-l' }, 'Document'),
			h('h1', { class: 'govuk-heading-l' }, title),
			h('p', {
				class: 'isa-marking-line isa-marking--' +
				    markingClass(d.classification, d.marking),
				id: 'isa-marking',
			}, hidden('Marking: '), d.marking || ''),
			h('h2', { class: 'govuk-heading-m' }, 'Handling instructions'),
			h('p', { class: 'govuk-body', id: 'isa-handling' },
			    d.handling || 'None beyond the marking.'),
			h('h2', { class: 'govuk-heading-m' }, 'Download'),
			download,
			h('h2', { class: 'govuk-heading-m' }, 'Details'),
			summaryList(rows),
		]);
		/* What other modules add (share, recall, new versions): after
		 * the details, each given the document, the directory and who
		 * the reader is. */
		let me = null;

		try {
			me = await whoami();
		} catch (e) {
			me = null;
		}
		const main = byId('main-content');

		for (const part of docParts) {
			try {
				append(main, part(d, dir, me));
			} catch (e) {
				/* one part's fault spoils no other */
			}
		}
	}

	/* ---- who am I ---- */

	/* The end of a YYYY-MM-DD day (UTC), when a clearance stops counting. */
	function dayEnd(s) {
		const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');

		return m === null ? null :
		    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
	}

	function warning(text) {
		return h('div', { class: 'govuk-warning-text', id: 'isa-warning' },
		    h('span', { class: 'govuk-warning-text__icon',
			'aria-hidden': 'true' }, '!'),
		    h('strong', { class: 'govuk-warning-text__text' },
			hidden('Warning'), text));
	}

	function clearanceWarning(w) {
		const end = dayEnd(w.clearance_expires);
		const now = Date.now();

		if (end === null)
			return null;
		if (now >= end)
			return warning('Your ' + w.clearance + ' clearance expired ' +
			    'on ' + DATE_FMT.format(new Date(end - DAY_MS)) +
			    ': isa counts it as ' + (w.effective_clearance ||
			    'NONE') + ' until it is renewed. Ask the board ' +
			    'administrator.');
		if (end - now <= 30 * DAY_MS) {
			const days = Math.ceil((end - now) / DAY_MS);

			return warning('Your ' + w.clearance + ' clearance ' +
			    'expires on ' + DATE_FMT.format(new Date(end - DAY_MS)) +
			    ' (' + (days <= 1 ? 'at the end of today' : 'in ' +
			    days + ' days') + '). Ask the board administrator ' +
			    'to renew it.');
		}
		return null;
	}

	async function renderWhoami() {
		let w;

		try {
			w = await whoami();
		} catch (e) {
			showError(e);
			return;
		}
		const list = function (a) {
			return a && a.length > 0 ? a.join(', ') : 'None';
		};

		setBanner(null);
		setMain('Who am I', [
			h('h1', { class: 'govuk-heading-l' }, 'Who am I'),
			h('p', { class: 'govuk-body' }, 'Who the board\u2019s server ' +
			    'says you are, from the key on this computer.'),
			clearanceWarning(w),
			summaryList([
				['Name', w.name || ''],
				['User ID', h('span', { class: 'isa-code' }, w.id)],
				['Agency', w.agency_name ? w.agency_name + ' (' +
				    w.agency + ')' : w.agency || ''],
				['Roles', list(w.roles)],
				['Attributes', list(w.attributes)],
				['Clearance', w.clearance || ''],
				['Effective clearance', w.effective_clearance || ''],
				['Clearance expires', w.clearance_expires ?
				    dateNode(w.clearance_expires) :
				    'Does not expire'],
			]),
		]);
	}

	/* ---- a path no page has ---- */

	async function renderNotFound() {
		setBanner(null);
		setMain('Page not found', [
			h('h1', { class: 'govuk-heading-l' }, 'Page not found'),
			h('p', { class: 'govuk-body' }, 'If you typed the address, ' +
			    'check it is correct.'),
			h('p', { class: 'govuk-body' }, link('/inbox', 'Go to your inbox')),
		]);
	}

	/* ---- the session's key ---- */

	/* isa ui's login sends the browser to /inbox#k=KEY: keep KEY in this
	 * origin's own storage (the port is part of the origin, unlike for
	 * cookies) and take it out of the address bar and history. */
	function takeKey() {
		const m = /^#k=([0-9a-f]{64})$/.exec(location.hash);

		try {
			if (m !== null)
				localStorage.setItem('isa-key', m[1]);
			state.key = localStorage.getItem('isa-key') || '';
		} catch (e) {
			state.key = m !== null ? m[1] : '';
		}
		if (m !== null)
			history.replaceState(null, '', location.pathname +
			    location.search);
	}

	function forgetKey() {
		try {
			localStorage.removeItem('isa-key');
		} catch (e) {
			/* storage off: nothing was kept */
		}
	}

	/* ---- start ---- */

	/* Pages other modules draw (upload, requests, audit): path (a string,
	 * or a RegExp whose match is passed on) and render(match). */
	const pages = [];
	const docParts = [];

	function page(path, render) {
		pages.push({ path: path, render: render });
	}

	/* The navigation's links a user's roles make useful: Audit for
	 * auditors (anyone else would only read isad's refusal). */
	async function fitNav() {
		try {
			const w = await whoami();
			const auditor = (w.roles || []).indexOf('auditor') >= 0;

			byId('isa-nav-audit').hidden = !auditor;
		} catch (e) {
			/* isad down: the page says so */
		}
	}

	function registered(path) {
		for (const p of pages) {
			if (typeof p.path === 'string' && p.path === path)
				return function () { return p.render(null); };
			if (p.path instanceof RegExp) {
				const m = p.path.exec(path);

				if (m !== null)
					return function () { return p.render(m); };
			}
		}
		return null;
	}

	async function start() {
		const path = location.pathname;
		const m = /^\/doc\/([^/]+)$/.exec(path);
		const other = registered(path);
		const main = byId('main-content');

		takeKey();
		byId('isa-signout').addEventListener('click', signOut);
		markNav();
		/* The session, the header's user and the page's data are asked
		 * for at once; a session that fails outranks what the page drew. */
		const session = api('/api/session').then(function (s) {
			state.csrf = s.csrf;
			state.user = s.user;
			return null;
		}, function (e) {
			return e;
		});
		let page;

		whoami().catch(function () { return null; });
		fitNav();
		if (other !== null)
			page = other();
		else if (path === '/inbox')
			page = renderInbox();
		else if (path === '/documents')
			page = renderDocuments();
		else if (m !== null)
			page = renderDoc(decodeURIComponent(m[1]));
		else if (path === '/whoami')
			page = renderWhoami();
		else
			page = renderNotFound();
		const failed = await session;

		/* Busy until the page and the header are both in place. */
		await Promise.all([failed === null ? fillUser() : null, page]);
		if (failed !== null)
			showError(failed);
		main.removeAttribute('aria-busy');
	}

	/* For the other modules (upload.js, actions.js, audit.js), which run
	 * after this file and before DOMContentLoaded. */
	window.isaUi = Object.freeze({
		h: h, append: append, byId: byId, hidden: hidden, link: link,
		docHref: docHref, setMain: setMain, announce: announce, num: num,
		plural: plural, summaryList: summaryList, present: present,
		markingClass: markingClass, markingTag: markingTag,
		bannerNode: bannerNode, setBanner: setBanner,
		raiseBanner: raiseBanner, showError: showError,
		errorSummary: errorSummary, errorWords: errorWords,
		warning: warning, ApiError: ApiError, api: api, post: post,
		directory: directory, whoami: whoami, principal: principal,
		named: named, timeNode: timeNode, dateNode: dateNode, size: size,
		state: state, page: page, docParts: docParts,
	});

	/* A deferred script runs while the document is already "interactive",
	 * before the modules after it (actions.js, ...) have registered their
	 * pages: start at DOMContentLoaded, which comes after them all. */
	if (document.readyState === 'complete')
		start();
	else
		document.addEventListener('DOMContentLoaded', start);
}());
