/* actions.js: a document's Share, Recall and new-version parts, and the /requests page (approve, refuse), over isa ui's JSON API; isad decides every one. */
'use strict';

(function () {
	const ui = window.isaUi;
	const h = ui.h;

	/* ---- what the rules allow (DESIGN §6), to offer; isad decides ---- */

	function roles(me) {
		return (me && Array.isArray(me.roles)) ? me.roles : [];
	}

	/* An approver of the document's originator agency. */
	function originatorApprover(doc, me) {
		return roles(me).indexOf('approver') >= 0 && !!me.agency &&
		    me.agency === doc.originator;
	}

	/* Rule 7's granters, rule 8's derivers and the deciders of requests. */
	function authority(doc, me) {
		return !!me && (doc.author === me.id || originatorApprover(doc, me));
	}

	/* Rule 9 (recall) and a new version, which withdraws the old. */
	function mayRecall(doc, me) {
		return authority(doc, me) || roles(me).indexOf('admin') >= 0;
	}

	function active(doc) {
		return !doc.state || doc.state === 'active';
	}

	/* ---- forms ---- */

	const used = new Map();

	/* isa-NAME, then isa-NAME-2...: ids the page never repeats. */
	function fieldId(name) {
		const n = (used.get(name) || 0) + 1;

		used.set(name, n);
		return 'isa-' + name + (n > 1 ? '-' + n : '');
	}

	/* A govuk form group: label, hint, error slot and the control. */
	function group(control, label, hint) {
		const id = control.id;
		const hintNode = hint ? h('div', { class: 'govuk-hint',
			id: id + '-hint' }, hint) : null;
		/* The error is put in its slot when there is one (GOV.UK's CSS
		 * shows a hidden govuk-error-message). */
		const err = h('p', { class: 'govuk-error-message', id: id + '-error' });
		const errSlot = h('div');

		if (hintNode)
			control.setAttribute('aria-describedby', id + '-hint');
		return {
			control: control,
			err: err,
			errSlot: errSlot,
			hint: hintNode,
			node: h('div', { class: 'govuk-form-group' },
			    h('label', { class: 'govuk-label govuk-label--s', for: id },
				label),
			    hintNode, errSlot, control),
		};
	}

	function textarea(name) {
		return h('textarea', { class: 'govuk-textarea', id: fieldId(name),
			name: name, rows: '3', autocomplete: 'off' });
	}

	/* Clears what an earlier try showed. */
	function clearErrors(slot, groups) {
		slot.replaceChildren();
		groups.forEach(function (g) {
			g.node.classList.remove('govuk-form-group--error');
			g.errSlot.replaceChildren();
			g.control.classList.remove('govuk-textarea--error',
			    'govuk-select--error');
			g.control.setAttribute('aria-describedby',
			    g.hint ? g.hint.id : '');
			if (!g.hint)
				g.control.removeAttribute('aria-describedby');
		});
	}

	/* The fields' own errors and a summary linking to each, which takes
	 * the focus: [[group, sentence], ...]. */
	function fieldErrors(slot, list) {
		list.forEach(function (x) {
			const g = x[0];

			g.node.classList.add('govuk-form-group--error');
			g.control.classList.add(g.control.tagName === 'SELECT' ?
			    'govuk-select--error' : 'govuk-textarea--error');
			g.err.replaceChildren(h('span', {
				class: 'govuk-visually-hidden' }, 'Error: '), x[1]);
			g.errSlot.replaceChildren(g.err);
			g.control.setAttribute('aria-describedby',
			    (g.hint ? g.hint.id + ' ' : '') + g.err.id);
		});
		const summary = h('div', { class: 'govuk-error-summary',
			tabindex: '-1' },
		    h('div', { role: 'alert' },
			h('h2', { class: 'govuk-error-summary__title' },
			    'There is a problem'),
			h('div', { class: 'govuk-error-summary__body' },
			    h('ul', { class: 'govuk-list govuk-error-summary__list' },
				list.map(function (x) {
					return h('li', null, h('a', {
						href: '#' + x[0].control.id,
						on: { click: function (ev) {
							ev.preventDefault();
							x[0].control.focus();
						} },
					}, x[1]));
				})))));

		slot.replaceChildren(summary);
		summary.focus();
	}

	/* isad's (or isa ui's) answer to an action, in the form's own slot:
	 * the sentence word for word and what to do.  A document gone, the
	 * session over or isa ui stopped draw their whole page instead. */
	function refused(slot, e, heading) {
		if (e.kind === 'aborted')
			return;
		if (e.kind === 'recalled' || e.kind === 'notfound' ||
		    e.kind === 'session' || e.kind === 'offline') {
			ui.showError(e);
			return;
		}
		const advice = {
			denied: 'isa decided you may not do this. If your work ' +
			    'needs it, ask the document\u2019s originator.',
			bad: 'Check what you entered and try again.',
		}[e.kind] || ui.errorWords(e)[1];
		const summary = h('div', { class: 'govuk-error-summary',
			tabindex: '-1' },
		    h('div', { role: 'alert' },
			h('h2', { class: 'govuk-error-summary__title' }, heading),
			h('div', { class: 'govuk-error-summary__body' },
			    h('p', { class: 'govuk-body isa-refusal' }, e.message),
			    h('p', { class: 'govuk-body' }, advice))));

		slot.replaceChildren(summary);
		summary.focus();
	}

	/* A success notice that takes the focus. */
	function success(slot, heading, lines) {
		const box = h('div', {
			class: 'govuk-notification-banner govuk-notification-banner--success',
			role: 'alert', tabindex: '-1',
			'aria-labelledby': fieldId('done-title'),
		},
		    h('div', { class: 'govuk-notification-banner__header' },
			h('h2', { class: 'govuk-notification-banner__title' }, 'Done')),
		    h('div', { class: 'govuk-notification-banner__content' },
			h('p', { class: 'govuk-notification-banner__heading' }, heading),
			lines.map(function (l) {
				return h('p', { class: 'govuk-body' }, l);
			})));

		box.querySelector('.govuk-notification-banner__title').id =
		    box.getAttribute('aria-labelledby');
		slot.replaceChildren(box);
		box.focus();
	}

	function busy(button, on) {
		button.disabled = on;
		button.setAttribute('aria-disabled', on ? 'true' : 'false');
	}

	/* ---- who to share with, from the Directory ---- */

	let dirPromise = null;

	/* /api/directory's lists (users with agency, agencies, groups); empty
	 * lists when it cannot be had (the form then says so). */
	function directoryLists() {
		if (dirPromise === null)
			dirPromise = ui.api('/api/directory').catch(function () {
				dirPromise = null;
				return { users: [], agencies: [], groups: [] };
			});
		return dirPromise;
	}

	function targetSelect(lists, doc, me) {
		const agencies = new Map((lists.agencies || []).map(function (a) {
			return [a.id, a.name || a.id];
		}));
		const opt = function (value, text) {
			return h('option', { value: value }, text);
		};
		const sel = h('select', { class: 'govuk-select', id: fieldId('share-to'),
			name: 'to' },
		    opt('', 'Choose who to share with'),
		    h('optgroup', { label: 'People' },
			(lists.users || []).filter(function (u) {
				return !me || u.id !== me.id;
			}).map(function (u) {
				return opt('user:' + u.id, (u.name || u.id) + ', ' +
				    (agencies.get(u.agency) || u.agency) + ' (user:' +
				    u.id + ')');
			})),
		    h('optgroup', { label: 'Agencies (everyone in it)' },
			(lists.agencies || []).map(function (a) {
				return opt('agency:' + a.id, (a.name || a.id) +
				    ' (agency:' + a.id + ')');
			})),
		    (lists.groups || []).length > 0 ?
			h('optgroup', { label: 'Groups (every member)' },
			    lists.groups.map(function (g) {
				return opt('group:' + g.id, 'Group ' + g.id +
				    ' (group:' + g.id + ')');
			    })) : null,
		    /* `all` is for OFFICIAL only (DESIGN §5). */
		    doc.classification === 'OFFICIAL' ?
			h('optgroup', { label: 'Everyone' },
			    opt('all', 'Everyone enrolled (all)')) : null);

		return sel;
	}

	/* What a share by me will do, as far as the page can tell (rule 7). */
	function shareHint(doc, me) {
		if (authority(doc, me) || doc.onward === 'open')
			return 'You may grant this yourself: whoever you choose can ' +
			    'read it at once, if their clearance allows. The Chair ' +
			    'and the administrator are told.';
		if (doc.onward === 'within-agency')
			return 'You may grant it at once to people of your own ' +
			    'agency, or to your agency. Anything wider becomes a ' +
			    'request that the originator decides.';
		return 'Your share becomes a request: an approver of the ' +
		    'originator agency decides, and you will hear in your inbox.';
	}

	function label(lists, p) {
		const i = p.indexOf(':'), kind = p.slice(0, i), id = p.slice(i + 1);
		const find = function (list) {
			return (list || []).find(function (x) { return x.id === id; });
		};
		let x;

		if (kind === 'user' && (x = find(lists.users)) && x.name)
			return x.name + ' (' + p + ')';
		if (kind === 'agency' && (x = find(lists.agencies)) && x.name)
			return x.name + ' (' + p + ')';
		if (p === 'all')
			return 'Everyone enrolled';
		return p;
	}

	function sharePart(doc, me) {
		const slot = h('div', { id: 'isa-share-result' });
		const form = h('form', { id: 'isa-share-form', novalidate: true });
		const section = h('section', { 'aria-labelledby': 'isa-share-title' },
		    h('h2', { class: 'govuk-heading-m', id: 'isa-share-title' },
			'Share'),
		    slot, form);

		form.append(h('p', { class: 'govuk-body' }, 'Loading who you can ' +
		    'share with\u2026'));
		directoryLists().then(function (lists) {
			const to = group(targetSelect(lists, doc, me), 'Share with',
			    shareHint(doc, me));
			const reason = group(textarea('share-reason'),
			    'Why do they need it?',
			    'Required. The decision and the audit record keep it.');
			const button = h('button', { type: 'submit',
				class: 'govuk-button', id: 'isa-share-submit',
				'data-module': 'govuk-button' }, 'Share');

			form.replaceChildren(to.node, reason.node, button);
			form.addEventListener('submit', async function (ev) {
				ev.preventDefault();
				clearErrors(slot, [to, reason]);
				const problems = [];

				if (to.control.value === '')
					problems.push([to, 'Choose who to share with']);
				if (reason.control.value.trim() === '')
					problems.push([reason,
					    'Enter why they need it: a share needs a reason']);
				if (problems.length > 0) {
					fieldErrors(slot, problems);
					return;
				}
				busy(button, true);
				const target = to.control.value;
				let r;

				try {
					r = await ui.post('/api/doc/' +
					    encodeURIComponent(doc.id) + '/share', {
						to: target, reason: reason.control.value,
					});
				} catch (e) {
					busy(button, false);
					refused(slot, e, 'The share was not made');
					return;
				}
				busy(button, false);
				form.reset();
				const who = label(lists, target);

				if (r.granted)
					success(slot, 'Shared with ' + who, [
						who + ' may now read this; the Chair and ' +
						    'the administrator are notified.']);
				else
					success(slot, 'Request filed', [
						'The originator decides whether ' + who +
						    ' may read this; you will hear in your ' +
						    'inbox.',
						h('span', null, 'Request ID: ',
						    h('span', { class: 'isa-code',
							id: 'isa-share-request' }, r.request)),
						ui.link('/requests', 'See your requests')]);
			});
		});
		return section;
	}

	/* ---- recall ---- */

	function recallPart(doc) {
		const title = doc.title || doc.id;
		const slot = h('div', { id: 'isa-recall-result' });
		const reason = group(textarea('recall-reason'),
		    'Why are you recalling it?', 'Required. Every reader is told ' +
		    'it was recalled; the audit record keeps the reason.');
		const button = h('button', { type: 'submit',
			class: 'govuk-button govuk-button--warning',
			id: 'isa-recall-submit' }, 'Recall this document');
		const form = h('form', { id: 'isa-recall-form', novalidate: true },
		    reason.node, button);
		const confirmBox = h('div', { id: 'isa-recall-confirm-box',
			hidden: true });
		const section = h('section', { 'aria-labelledby': 'isa-recall-title' },
		    h('h2', { class: 'govuk-heading-m', id: 'isa-recall-title' },
			'Recall'),
		    h('p', { class: 'govuk-body' }, 'Recalling cuts every reader ' +
			'off at once, and tells them. It cannot be undone: to ' +
			'correct a document, upload a new version instead.'),
		    slot, form, confirmBox);

		function ask() {
			const heading = h('h3', { class: 'govuk-heading-s',
				id: 'isa-recall-question', tabindex: '-1' },
			    'Recall \u201c' + title + '\u201d (' + doc.id + ')?');
			const yes = h('button', { type: 'button',
				class: 'govuk-button govuk-button--warning',
				id: 'isa-recall-confirm' }, 'Yes, recall it');
			const no = h('button', { type: 'button',
				class: 'govuk-button govuk-button--secondary',
				id: 'isa-recall-cancel' }, 'No, keep it');

			confirmBox.replaceChildren(h('div', {
				class: 'govuk-warning-text' },
			    h('span', { class: 'govuk-warning-text__icon',
				'aria-hidden': 'true' }, '!'),
			    h('strong', { class: 'govuk-warning-text__text' },
				h('span', { class: 'govuk-visually-hidden' },
				    'Warning'),
				'Every reader of this document loses it now.')),
			    heading,
			    h('p', { class: 'govuk-body' }, 'Reason: ',
				reason.control.value),
			    h('div', { class: 'govuk-button-group' }, yes, no));
			form.hidden = true;
			confirmBox.hidden = false;
			heading.focus();
			no.addEventListener('click', function () {
				confirmBox.hidden = true;
				confirmBox.replaceChildren();
				form.hidden = false;
				reason.control.focus();
			});
			yes.addEventListener('click', async function () {
				busy(yes, true);
				busy(no, true);
				try {
					await ui.post('/api/doc/' +
					    encodeURIComponent(doc.id) + '/recall', {
						reason: reason.control.value,
					});
				} catch (e) {
					confirmBox.hidden = true;
					confirmBox.replaceChildren();
					form.hidden = false;
					refused(slot, e, 'The document was not recalled');
					return;
				}
				recalled();
			});
		}

		function recalled() {
			const panel = h('div', {
				class: 'govuk-panel govuk-panel--confirmation' },
			    h('h1', { class: 'govuk-panel__title' },
				'Document recalled'),
			    h('div', { class: 'govuk-panel__body' },
				'\u201c' + title + '\u201d (' + doc.id + ')'));

			ui.setMain('Document recalled', [panel,
			    h('p', { class: 'govuk-body', id: 'isa-recalled' },
				'It is recalled: every reader is cut off and told in ' +
				'their inbox.'),
			    h('p', { class: 'govuk-body' },
				ui.link('/documents', 'Go to your documents'))]);
			document.getElementById('main-content').focus();
		}

		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			clearErrors(slot, [reason]);
			if (reason.control.value.trim() === '') {
				fieldErrors(slot, [[reason,
				    'Enter why you are recalling it: a recall needs a ' +
				    'reason']]);
				return;
			}
			ask();
		});
		return section;
	}

	/* ---- new versions ---- */

	function versionsPart(doc, me) {
		const items = [];
		const id = encodeURIComponent(doc.id);

		/* Rule 8: a sanitised derivative, by the author or an originator
		 * approver; a new version as rule 9. */
		if (authority(doc, me))
			items.push(h('li', null, ui.link('/upload?derived-from=' + id,
			    'Make a sanitised version'), ' (a copy at a lower ' +
			    'marking, linked to this one)'));
		if (mayRecall(doc, me))
			items.push(h('li', null, ui.link('/upload?supersedes=' + id,
			    'Upload a new version'), ' (replaces this one)'));
		if (items.length === 0)
			return null;
		return h('section', { 'aria-labelledby': 'isa-versions-title' },
		    h('h2', { class: 'govuk-heading-m', id: 'isa-versions-title' },
			'New versions'),
		    h('ul', { class: 'govuk-list' }, items));
	}

	/* ---- a document's page ---- */

	/* The document on the page, so that its download first asks isad
	 * whether it is still there: a reader whose page was open when it was
	 * recalled gets the recalled page, not a failed download. */
	let shown = null;

	document.addEventListener('click', async function (ev) {
		const a = ev.target && ev.target.closest ?
		    ev.target.closest('#isa-download') : null;

		if (a === null || shown === null || ev.defaultPrevented)
			return;
		if (a.dataset.checked === '1') {
			delete a.dataset.checked;
			return;
		}
		ev.preventDefault();
		try {
			await ui.api('/api/doc/' + encodeURIComponent(shown));
		} catch (e) {
			ui.showError(e);
			return;
		}
		a.dataset.checked = '1';
		a.click();
	}, true);

	ui.docParts.push(function (doc, dir, me) {
		shown = doc.id || null;
		if (!active(doc))
			return null;
		return [sharePart(doc, me), versionsPart(doc, me),
		    mayRecall(doc, me) ? recallPart(doc) : null];
	});

	/* ---- the requests page ---- */

	const STATE_TAG = {
		pending: 'govuk-tag--yellow',
		approved: 'govuk-tag--green',
		refused: 'govuk-tag--red',
		withdrawn: 'govuk-tag--grey',
	};

	function stateTag(s) {
		return h('strong', { class: 'govuk-tag ' + (STATE_TAG[s] || '') },
		    s ? s.charAt(0).toUpperCase() + s.slice(1) : '');
	}

	/* The document: its title when the page had its info (a request I
	 * may decide), with its id; else its id, as `isa requests` says it. */
	function docCell(q, title) {
		const tag = q.marking ? ui.markingTag(q.marking, null) : null;

		if (tag)
			tag.classList.add('isa-tag--under');
		return [title ? [ui.link(ui.docHref(q.doc), title), h('br'),
		    h('span', { class: 'isa-code govuk-body-s' }, q.doc)] :
		    ui.link(ui.docHref(q.doc), q.doc, 'govuk-link isa-code'),
		    tag ? h('br') : null, tag];
	}

	/* Approve, and refuse with a reason, in the row; its outcome replaces
	 * them. */
	function decideCell(q, row, dir, redraw) {
		const slot = h('div', { class: 'isa-decide-result' });
		const approve = h('button', { type: 'button',
			class: 'govuk-button govuk-!-margin-bottom-2',
			'data-request': q.id, 'data-action': 'approve' },
		    'Approve', h('span', { class: 'govuk-visually-hidden' },
			' request ' + q.id));
		const refuseOpen = h('button', { type: 'button',
			class: 'govuk-button govuk-button--secondary ' +
			    'govuk-!-margin-bottom-2',
			'data-request': q.id, 'data-action': 'refuse-open' },
		    'Refuse', h('span', { class: 'govuk-visually-hidden' },
			' request ' + q.id));
		const reason = group(textarea('refuse-reason-' + q.id), 'Why refuse?',
		    'Required: the requester is told.');
		const refuse = h('button', { type: 'submit',
			class: 'govuk-button govuk-button--warning',
			'data-request': q.id, 'data-action': 'refuse' },
		    'Refuse request', h('span', { class: 'govuk-visually-hidden' },
			' ' + q.id));
		const form = h('form', { novalidate: true, hidden: true },
		    reason.node, refuse);
		/* hidden on a plain div: GOV.UK's CSS shows a hidden button group. */
		const buttons = h('div', null, h('div', {
			class: 'govuk-button-group' }, approve, refuseOpen));

		async function decide(ok, body, button) {
			busy(button, true);
			let r;

			try {
				r = await ui.post('/api/request/' +
				    encodeURIComponent(q.id) + (ok ? '/approve' :
				    '/refuse'), body);
			} catch (e) {
				busy(button, false);
				refused(slot, e, 'The request was not ' +
				    (ok ? 'approved' : 'refused'));
				return;
			}
			/* isad's answer leaves out when and why (a refusal's
			 * reason): the row as isad now lists it, if it can. */
			try {
				const all = await ui.api('/api/requests?all=1');
				const now = (all.requests || []).find(function (x) {
					return x.id === r.id;
				});

				if (now)
					r = now;
			} catch (e) {
				/* the decision stands: the row shows isad's answer */
			}
			redraw(r, ok ? 'Approved: ' + ui.principal(dir, r.target) +
			    ' may now read it; the Chair and the administrator ' +
			    'are notified.' : 'Refused: the requester is told.');
		}

		approve.addEventListener('click', function () {
			clearErrors(slot, [reason]);
			decide(true, {}, approve);
		});
		refuseOpen.addEventListener('click', function () {
			buttons.hidden = true;
			form.hidden = false;
			reason.control.focus();
		});
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			clearErrors(slot, [reason]);
			if (reason.control.value.trim() === '') {
				fieldErrors(slot, [[reason,
				    'Enter why you refuse it: a refusal needs a reason']]);
				return;
			}
			decide(false, { reason: reason.control.value }, refuse);
		});
		return [slot, buttons, form];
	}

	/* One request; actions: the row is in the table with a column to
	 * decide in (canDecide: and the reader may decide it). */
	function requestRow(q, dir, canDecide, title, actions) {
		const row = h('tr', { class: 'govuk-table__row', id: 'isa-req-' + q.id,
			'data-request': q.id });
		const cell = function (c, cls) {
			return h('td', { class: 'govuk-table__cell' + (cls || '') }, c);
		};
		const decided = q.decided_by ? [
			h('br'), 'by ' + ui.named(dir.users, q.decided_by),
			q.decided ? [h('br'), ui.timeNode(q.decided)] : null,
			q.decision_reason ? [h('br'), 'Reason: ' + q.decision_reason] :
			    null] : null;

		function redraw(r, said) {
			const fresh = requestRow(r, dir, false, title, true);
			const note = h('p', { class: 'govuk-body-s', role: 'status',
				tabindex: '-1' }, said);

			fresh.lastChild.prepend(note);
			row.replaceWith(fresh);
			note.focus();
		}

		ui.append(row, [
		    cell(docCell(q, title)),
		    cell([ui.named(dir.users, q.requester), h('br'),
			h('span', { class: 'govuk-body-s' }, 'asks to share with'),
			h('br'), ui.principal(dir, q.target)]),
		    cell(q.reason || ''),
		    cell([stateTag(q.state), decided]),
		    actions ? cell(canDecide && q.state === 'pending' ?
			decideCell(q, row, dir, redraw) : '') : null]);
		return row;
	}

	/* A table with its caption; when empty, the caption as a heading and
	 * a sentence.  actions: a last column to decide in. */
	function requestTable(id, caption, rows, empty, actions) {
		if (rows.length === 0)
			return [h('h2', { class: 'govuk-heading-m' }, caption),
			    h('p', { class: 'govuk-body', id: id + '-empty' }, empty)];
		return h('table', { class: 'govuk-table', id: id },
		    h('caption', { class: 'govuk-table__caption govuk-table__caption--m' },
			caption),
		    h('thead', { class: 'govuk-table__head' },
			h('tr', { class: 'govuk-table__row' },
			    ['Document', 'Who and to whom', 'Reason', 'State'].concat(
				actions ? ['Decide'] : []).map(function (t) {
				return h('th', { class: 'govuk-table__header',
					scope: 'col' }, t);
			    }))),
		    h('tbody', { class: 'govuk-table__body' }, rows));
	}

	/* Which pending requests' documents I may decide on: the author and
	 * the originator's approvers (DESIGN §6), from each document's info
	 * (doc id -> {may, title}); a document I cannot see offers nothing.
	 * isad decides anyway. */
	async function deciders(list, me) {
		const docs = new Map();

		list.forEach(function (q) {
			if (q.state === 'pending' && q.requester !== me.id)
				docs.set(q.doc, null);
		});
		await Promise.all(Array.from(docs.keys()).map(async function (id) {
			try {
				const r = await ui.api('/api/doc/' +
				    encodeURIComponent(id));

				docs.set(id, { may: authority(r.doc || {}, me),
					title: (r.doc || {}).title || '' });
			} catch (e) {
				docs.set(id, { may: false, title: '' });
			}
		}));
		return docs;
	}

	async function renderRequests() {
		let r, dir, me;

		try {
			[r, dir, me] = await Promise.all([
				ui.api('/api/requests?all=1'), ui.directory(),
				ui.whoami()]);
		} catch (e) {
			ui.showError(e);
			return;
		}
		const list = r.requests || [];
		const may = await deciders(list, me);
		const pending = list.filter(function (q) {
			return q.state === 'pending';
		});
		const decided = list.filter(function (q) {
			return q.state !== 'pending';
		});

		ui.setBanner(r.banner);
		ui.setMain('Requests', [
			h('h1', { class: 'govuk-heading-l' }, 'Requests'),
			h('p', { class: 'govuk-body' }, 'Requests to share a ' +
			    'document onward: yours, and those you may decide as ' +
			    'the document\u2019s author or an approver of its ' +
			    'originator agency.'),
			requestTable('isa-requests-pending', 'Awaiting a decision',
			    pending.map(function (q) {
				    const k = may.get(q.doc) || {};

				    return requestRow(q, dir, k.may === true, k.title,
					true);
			    }), 'No request is awaiting a decision.', true),
			requestTable('isa-requests-decided', 'Decided',
			    decided.map(function (q) {
				    return requestRow(q, dir, false,
					(may.get(q.doc) || {}).title, false);
			    }), 'No request has been decided yet.', false),
		]);
	}

	ui.page('/requests', renderRequests);
}());
