/* upload.js: the /upload page: a marking chooser that offers only what DESIGN §5, the directory and the reader's clearance and attributes allow, and a check-your-answers step with the marking spelled as `isa get` prints it, before uploadsend.js sends the file. */
'use strict';

(function () {
	const ui = window.isaUi;
	const h = ui.h;
	const form = window.isaForm;
	const hint = form.hint, errorSlot = form.errorSlot, choice = form.choice;
	const fieldset = form.fieldset, dateInput = form.dateInput;

	/* Clearances in order (policy.h): a higher one holds every lower. */
	const CLEARANCES = ['NONE', 'BPSS', 'CTC', 'SC', 'DV'];
	const CLASSES = ['OFFICIAL', 'OFFICIAL-SENSITIVE', 'SECRET'];

	/* The onward rules, each with the handling instruction a marking line
	 * ends with (policy/marking.c onward_handling) and plain words. */
	const ONWARD = [
		{ value: 'approval', handling: 'RECIPIENTS ONLY',
		  label: 'Recipients only',
		  hint: 'Readers may ask to share it further; you or an ' +
		    'approver of the originator agency decide.' },
		{ value: 'within-agency', handling: 'RECIPIENT AGENCY USE ONLY',
		  label: 'Recipient agency use only',
		  hint: 'Readers may share it at once within their own ' +
		    'agency; anything wider needs approval.' },
		{ value: 'open', handling: 'FOR PUBLIC RELEASE',
		  label: 'For public release',
		  hint: 'Readers may share it with anyone enrolled. Only for ' +
		    'OFFICIAL material without caveats.' },
	];

	/* isad's own sentences for the marking faults (policy/marking.c
	 * policy_marking_fault_text), so the page and isad say the same. */
	const FAULT = {
		openClass: 'FOR PUBLIC RELEASE (onward rule open) is only for ' +
		    'OFFICIAL material',
		openCaveat: 'FOR PUBLIC RELEASE (onward rule open) is only for ' +
		    'material without caveats',
		handling: 'SECRET material needs handling instructions',
		embargo: 'An embargo needs its time',
	};

	function rank(list, name) {
		return list.indexOf(String(name || '').toUpperCase());
	}

	/* The label of a principal, with names from the directory. */
	function principalLabel(dir, p) {
		const i = p.indexOf(':');
		const kind = i < 0 ? p : p.slice(0, i), id = p.slice(i + 1);

		if (kind === 'user') {
			const u = dir.users.find(function (x) { return x.id === id; });
			const a = u ? dir.agencies.find(function (x) {
				return x.id === u.agency;
			}) : null;

			return u ? (u.name || id) + ', ' + (a ? a.name : u.agency) +
			    ' (' + p + ')' : p;
		}
		if (kind === 'agency') {
			const a = dir.agencies.find(function (x) { return x.id === id; });

			return a && a.name ? a.name + ' (' + p + ')' : p;
		}
		if (p === 'all')
			return 'Everyone enrolled (all)';
		return p;
	}

	/* ---- the page ---- */

	async function render() {
		const params = new URLSearchParams(location.search);
		let dir, me;

		try {
			[dir, me] = await Promise.all([ui.api('/api/directory'),
			    ui.whoami()]);
		} catch (e) {
			ui.showError(e);
			return;
		}
		dir.users = dir.users || [];
		dir.agencies = dir.agencies || [];
		dir.groups = dir.groups || [];
		dir.caveats = dir.caveats || [];
		dir.descriptors = dir.descriptors || [];
		dir.classifications = dir.classifications || [];
		const page = new UploadPage(dir, me, params);

		page.show();
	}

	function UploadPage(dir, me, params) {
		this.dir = dir;
		this.me = me;
		this.admin = (me.roles || []).indexOf('admin') >= 0;
		this.attrs = new Set(me.attributes || []);
		this.clearance = rank(CLEARANCES, me.effective_clearance ||
		    me.clearance);
		this.to = [];
		this.parent = null;	/* a derivative's parent: {cls, marking} */
		this.links = {
			derived_from: params.get('derived-from') || '',
			supersedes: params.get('supersedes') || '',
		};
		this.build();
	}

	UploadPage.prototype.heading = function () {
		if (this.links.derived_from !== '')
			return 'Make a sanitised version';
		if (this.links.supersedes !== '')
			return 'Upload a new version';
		return 'Upload a document';
	};

	UploadPage.prototype.build = function () {
		const self = this, dir = this.dir;

		this.problem = h('div', { id: 'isa-upload-problem' });
		this.notice = h('div', { id: 'isa-upload-notice',
		    'aria-live': 'polite', class: 'govuk-body' });

		/* file */
		this.fileErr = errorSlot('isa-file-error');
		this.file = h('input', {
			class: 'govuk-file-upload', id: 'isa-file', name: 'file',
			type: 'file', 'aria-describedby': 'isa-file-hint',
		});
		this.fileGroup = h('div', { class: 'govuk-form-group' },
		    h('label', { class: 'govuk-label govuk-label--m', for: 'isa-file' },
			'File'), hint('isa-file-hint', 'Any kind of file. It is ' +
			'sent to the board\u2019s server as it is read, encrypted ' +
			'there, and never kept on this computer.'),
		    this.fileErr, this.file);

		/* title */
		this.titleErr = errorSlot('isa-title-error');
		this.title = h('input', {
			class: 'govuk-input', id: 'isa-title', name: 'title',
			type: 'text', spellcheck: 'true', autocomplete: 'off',
			'aria-describedby': 'isa-title-hint',
		});
		this.titleGroup = h('div', { class: 'govuk-form-group' },
		    h('label', { class: 'govuk-label govuk-label--m', for: 'isa-title' },
			'Title'), hint('isa-title-hint', 'Only those who may ' +
			'read the document see it.'), this.titleErr, this.title);

		/* classification: only what the deployment is accredited for */
		this.clsErr = errorSlot('isa-class-error');
		this.classes = dir.classifications.map(function (c, i) {
			const need = rank(CLEARANCES, c.minimum_clearance);
			const cleared = self.clearance >= need;
			const ch = choice('radios', 'class', 'isa-class-' + i, c.name,
			    c.name, (need <= 0 ? 'Any enrolled reader.' :
			    'Readers need ' + c.minimum_clearance +
			    ' clearance or above.') + (cleared ? '' : ' Your ' +
			    'clearance (' + (self.me.effective_clearance || 'NONE') +
			    ') is below it, so you cannot upload at ' + c.name + '.'));

			ch.input.disabled = !cleared;
			ch.input.addEventListener('change', function () {
				self.update();
			});
			return Object.assign(ch, { name: c.name, cleared: cleared,
			    words: ch.hint.textContent });
		});
		this.clsGroup = h('div', { class: 'govuk-form-group' },
		    fieldset('Classification', 'isa-class-hint', 'Only the ' +
			'classifications this deployment may hold are offered.',
			h('div', { class: 'govuk-radios', id: 'isa-class' },
			    this.classes.map(function (c) { return c.item; })),
			this.clsErr));

		/* descriptors */
		this.descs = dir.descriptors.map(function (d, i) {
			return Object.assign(choice('checkboxes', 'descriptor',
			    'isa-descriptor-' + i, d, d, null), { name: d });
		});
		this.descGroup = h('div', { class: 'govuk-form-group' },
		    fieldset('Descriptors (optional)', 'isa-descriptor-hint',
			'Printed on the marking; they change nobody\u2019s access.',
			h('div', { class: 'govuk-checkboxes', id: 'isa-descriptor' },
			    this.descs.map(function (d) { return d.item; }))));

		/* caveats, from the policy */
		this.cavErr = errorSlot('isa-caveat-error');
		this.cavs = dir.caveats.map(function (c, i) {
			const held = self.attrs.has(c.requires);
			const ch = choice('checkboxes', 'caveat', 'isa-caveat-' + i,
			    c.name, c.name, '');

			ch.input.addEventListener('change', function () {
				self.update();
			});
			return Object.assign(ch, { name: c.name, held: held,
			    requires: c.requires,
			    min: Math.max(0, rank(CLASSES, c.minimum_classification)),
			    minName: c.minimum_classification });
		});
		this.cavGroup = h('div', { class: 'govuk-form-group' },
		    fieldset('Caveats (optional)', 'isa-caveat-hint', 'Each ' +
			'caveat limits readers to those who hold its attribute.',
			h('div', { class: 'govuk-checkboxes', id: 'isa-caveat' },
			    this.cavs.map(function (c) { return c.item; })),
			this.cavErr));
		if (this.cavs.length === 0)
			this.cavGroup.hidden = true;

		/* handling instructions */
		this.handlingErr = errorSlot('isa-handling-error');
		this.handlingLabel = h('label', {
			class: 'govuk-label govuk-label--m', for: 'isa-handling',
		}, 'Handling instructions (optional)');
		this.handling = h('textarea', {
			class: 'govuk-textarea', id: 'isa-handling', name: 'handling',
			rows: '3', 'aria-describedby': 'isa-handling-hint',
		});
		this.handlingGroup = h('div', { class: 'govuk-form-group' },
		    this.handlingLabel, hint('isa-handling-hint', 'Shown to ' +
			'every reader before the content. Required for SECRET.'),
		    this.handlingErr, this.handling);

		/* originator: the administrator may name another agency */
		this.originator = null;
		if (this.admin) {
			this.originator = h('select', {
				class: 'govuk-select', id: 'isa-originator',
				name: 'originator',
				'aria-describedby': 'isa-originator-hint',
			}, dir.agencies.map(function (a) {
				return h('option', { value: a.id,
				    selected: a.id === self.me.agency },
				    (a.name || a.id) + ' (' + a.id + ')');
			}));
			this.originator.addEventListener('change', function () {
				self.update();
			});
		}
		this.origGroup = this.admin ? h('div', { class: 'govuk-form-group' },
		    h('label', { class: 'govuk-label govuk-label--m',
			for: 'isa-originator' }, 'Originator agency'),
		    hint('isa-originator-hint', 'The agency the material comes ' +
			'from. Uploading for another agency, you may read it but ' +
			'its approvers decide on sharing, and it keeps ' +
			'\u201cRecipients only\u201d.'), this.originator) : null;

		/* onward rule */
		this.onwardErr = errorSlot('isa-onward-error');
		this.onwards = ONWARD.map(function (o) {
			const ch = choice('radios', 'onward', 'isa-onward-' + o.value,
			    o.value, o.label + ' (' + o.handling + ')', o.hint);

			ch.input.checked = o.value === 'approval';
			ch.input.addEventListener('change', function () {
				self.update();
			});
			return Object.assign(ch, o);
		});
		this.onwardFixed = h('p', { class: 'govuk-body', id: 'isa-onward-fixed',
		    hidden: true }, 'Onward sharing: Recipients only (RECIPIENTS ' +
		    'ONLY). Uploading for another agency, you cannot loosen it; ' +
		    'its approvers may.');
		this.onwardGroup = h('div', { class: 'govuk-form-group' },
		    fieldset('Onward sharing', 'isa-onward-hint', 'Who may share ' +
			'it further, printed at the end of the marking.',
			h('div', { class: 'govuk-radios', id: 'isa-onward' },
			    this.onwards.map(function (o) { return o.item; })),
			this.onwardErr));

		/* distribution list */
		this.toErr = errorSlot('isa-to-error');
		this.toSelect = h('select', {
			class: 'govuk-select', id: 'isa-to-choose', name: 'to-choose',
			'aria-describedby': 'isa-to-hint',
		}, h('option', { value: '' }, 'Choose a recipient'),
		    h('optgroup', { label: 'People' }, dir.users.map(function (u) {
			const p = 'user:' + u.id;

			return h('option', { value: p }, principalLabel(dir, p));
		    })),
		    h('optgroup', { label: 'Agencies' }, dir.agencies.map(
			function (a) {
				const p = 'agency:' + a.id;

				return h('option', { value: p }, principalLabel(dir, p));
			})),
		    dir.groups.length > 0 ? h('optgroup', { label: 'Groups' },
			dir.groups.map(function (g) {
				return h('option', { value: 'group:' + g.id },
				    'group:' + g.id);
			})) : null,
		    h('optgroup', { label: 'Everyone' },
			this.allOption = h('option', { value: 'all' },
			    'Everyone enrolled (all), OFFICIAL only')));
		this.toAdd = h('button', {
			type: 'button', class: 'govuk-button govuk-button--secondary',
			id: 'isa-to-add',
		}, 'Add to the list');
		this.toList = h('ul', { class: 'govuk-list', id: 'isa-to-list' });
		this.toNone = h('p', { class: 'govuk-body', id: 'isa-to-none' },
		    'Nobody yet.');
		this.toLive = h('p', { class: 'govuk-visually-hidden',
		    'aria-live': 'polite', id: 'isa-to-live' });
		this.toAdd.addEventListener('click', function () {
			self.addTo(self.toSelect.value);
		});
		this.toGroup = h('div', { class: 'govuk-form-group' },
		    fieldset('Distribution list', 'isa-to-hint', 'Who may read ' +
			'it: people, agencies (their members as they are when ' +
			'they read), groups. At least one.', [
				this.toErr,
				h('label', { class: 'govuk-label', for: 'isa-to-choose' },
				    'Recipient'),
				h('div', { class: 'isa-to-picker' }, this.toSelect,
				    ' ', this.toAdd),
				h('h2', { class: 'govuk-heading-s isa-check-gap',
				    id: 'isa-to-heading' }, 'Chosen'),
				this.toNone, this.toList, this.toLive,
			]));

		/* dates */
		this.review = dateInput('isa-review-by', 'Review by (optional)',
		    'A date (UTC), for example 31 3 2027. You are reminded to ' +
		    'review it then.', false);
		this.destroy = dateInput('isa-destroy-after',
		    'Destroy after (optional)', 'A date (UTC), for example ' +
		    '31 3 2028. isad destroys it after this day.', false);
		this.embargo = dateInput('isa-embargo', 'Embargo until (optional)',
		    'A date and a time in UTC (24-hour clock), for example 1 4 ' +
		    '2027 09 00. Nobody can read it before then.', true);

		/* derived from, supersedes */
		this.linkRows = h('div', { id: 'isa-links' });

		this.continueBtn = h('button', {
			type: 'submit', class: 'govuk-button', id: 'isa-continue',
		}, 'Continue');
		this.form = h('form', { id: 'isa-upload-form', novalidate: true,
		    'aria-labelledby': 'isa-upload-heading' },
		    this.linkRows, this.fileGroup, this.titleGroup, this.clsGroup,
		    this.descGroup, this.cavGroup, this.handlingGroup,
		    this.origGroup, this.onwardGroup, this.onwardFixed,
		    this.toGroup, this.review.group, this.destroy.group,
		    this.embargo.group, this.continueBtn);
		this.form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			self.check();
		});
		this.headingNode = h('h1', { class: 'govuk-heading-l',
		    id: 'isa-upload-heading' }, this.heading());
		this.formView = h('div', { id: 'isa-upload-form-view' },
		    this.headingNode, this.notice, this.form);
		this.checkView = h('div', { id: 'isa-check', hidden: true });
		this.sendView = h('div', { id: 'isa-sending', hidden: true });
		this.doneView = h('div', { id: 'isa-done', hidden: true });
	};

	/* The banners of the documents the page shows (a parent, an old
	 * version): the higher class's, or none. */
	UploadPage.prototype.showBanner = function () {
		const b = this.banners || {};
		const shown = [b.derived_from, b.supersedes].filter(function (x) {
			return x && x.marking;
		}).sort(function (x, y) {
			return rank(CLASSES, ui.markingClass(y.class, y.marking)
			    .toUpperCase()) - rank(CLASSES, ui.markingClass(x.class,
			    x.marking).toUpperCase());
		});

		ui.setBanner(shown.length > 0 ? shown[0] : null);
	};

	UploadPage.prototype.show = function () {
		ui.setBanner(null);
		ui.setMain(this.heading(), [this.problem, this.formView, this.checkView, this.sendView, this.doneView]);
		this.drawLinks();
		this.drawTo();
		this.update();
	};

	/* ---- what a choice excludes ---- */

	UploadPage.prototype.cls = function () {
		const c = this.classes.find(function (x) { return x.input.checked; });

		return c ? c.name : '';
	};

	UploadPage.prototype.onward = function () {
		if (!this.mayChooseOnward())
			return 'approval';
		const o = this.onwards.find(function (x) { return x.input.checked; });

		return o ? o.value : 'approval';
	};

	/* Rule 6(e): only the author (or an originator approver) chooses the
	 * onward rule; an administrator naming another agency is neither. */
	UploadPage.prototype.mayChooseOnward = function () {
		return this.originator === null ||
		    this.originator.value === this.me.agency;
	};

	/* Disable what the current choices exclude; a choice that becomes
	 * excluded is undone and the reader told, so nothing disabled stays
	 * chosen (a trap for the keyboard). */
	UploadPage.prototype.update = function () {
		const said = [];

		this.lowerThanParent(said);
		const self = this, cls = rank(CLASSES, this.cls());

		this.cavs.forEach(function (c) {
			const fits = cls < 0 || cls >= c.min;
			const off = !c.held || !fits;

			if (off && c.input.checked) {
				c.input.checked = false;
				said.push(c.name + ' was unticked: it is only for ' +
				    c.minName + ' material.');
			}
			c.input.disabled = off;
			c.hint.textContent = 'Readers need the attribute ' +
			    c.requires + '. ' + (c.held ? 'You hold it.' :
			    'You do not hold it, so you cannot use this caveat.') +
			    (c.min > 0 ? ' Only for ' + c.minName + ' material.' : '');
		});
		const open = this.onwards[2];
		const openOk = cls <= 0 && !this.cavs.some(function (c) {
			return c.input.checked;
		});

		if (!openOk && open.input.checked) {
			open.input.checked = false;
			this.onwards[0].input.checked = true;
			said.push('Onward sharing is now Recipients only: ' +
			    (cls > 0 ? FAULT.openClass : FAULT.openCaveat) + '.');
		}
		open.input.disabled = !openOk;
		const may = this.mayChooseOnward();

		this.onwardGroup.hidden = !may;
		this.onwardFixed.hidden = may;
		if (!may)
			this.onwards.forEach(function (o) {
				o.input.checked = o.value === 'approval';
			});

		const allOk = cls <= 0;

		this.allOption.disabled = !allOk;
		if (!allOk && this.to.indexOf('all') >= 0) {
			this.to = this.to.filter(function (p) { return p !== 'all'; });
			this.drawTo();
			said.push('Everyone enrolled (all) was taken off the ' +
			    'distribution list: it may receive only OFFICIAL ' +
			    'material.');
		}
		this.handlingLabel.textContent = 'Handling instructions' +
		    (this.cls() === 'SECRET' ? ' (required for SECRET)' :
		    ' (optional)');
		if (said.length > 0)
			ui.announce(self.notice, said.join(' '));
	};

	/* ---- the distribution list ---- */

	UploadPage.prototype.addTo = function (p) {
		if (p === '') {
			this.toSelect.focus();
			return;
		}
		if (p === 'all' && rank(CLASSES, this.cls()) > 0) {
			ui.announce(this.toLive, 'Everyone enrolled (all) may ' +
			    'receive only OFFICIAL material.');
			return;
		}
		if (this.to.indexOf(p) < 0)
			this.to.push(p);
		this.drawTo();
		this.toSelect.value = '';
		ui.announce(this.toLive, 'Added ' + principalLabel(this.dir, p) +
		    '. ' + ui.plural(this.to.length, 'recipient', 'recipients') +
		    ' chosen.');
		this.toSelect.focus();
	};

	UploadPage.prototype.drawTo = function () {
		const self = this;

		this.toList.replaceChildren();
		this.to.forEach(function (p, i) {
			const label = principalLabel(self.dir, p);
			const rm = h('button', {
				type: 'button', class: 'govuk-button ' +
				    'govuk-button--secondary isa-to-remove',
				'data-principal': p,
			}, 'Remove', ui.hidden(' ' + label));

			rm.addEventListener('click', function () {
				self.to.splice(self.to.indexOf(p), 1);
				self.drawTo();
				ui.announce(self.toLive, 'Removed ' + label + '. ' +
				    ui.plural(self.to.length, 'recipient',
				    'recipients') + ' chosen.');
				const next = self.toList.querySelectorAll(
				    'button')[Math.min(i, self.to.length - 1)];

				(next || self.toSelect).focus();
			});
			self.toList.appendChild(h('li', { class: 'isa-to-item' },
			    h('span', { class: 'isa-to-name' }, label), ' ', rm));
		});
		this.toNone.hidden = this.to.length > 0;
		this.toList.hidden = this.to.length === 0;
	};

	/* Rule 8: a sanitised version is marked lower than its parent, so a
	 * class at or above the parent's is not offered (and undone if it was
	 * chosen); the removed link offers them again. */
	UploadPage.prototype.lowerThanParent = function (said) {
		const p = this.links.derived_from !== '' ? this.parent : null;

		this.classes.forEach(function (c) {
			const high = p !== null && rank(CLASSES, c.name) >= p.cls;

			if (high && c.input.checked) {
				c.input.checked = false;
				said.push(c.name + ' was unchosen: a sanitised version ' +
				    'is marked lower than its parent (' + p.name + ').');
			}
			c.input.disabled = !c.cleared || high;
			c.hint.textContent = c.words + (high ? ' A sanitised ' +
			    'version must be marked lower than its parent (' +
			    p.name + ').' : '');
		});
	};

	/* ---- derived from, supersedes ---- */

	UploadPage.prototype.drawLinks = function () {
		const self = this;

		this.linkRows.replaceChildren();
		[['derived_from', 'Derived from', 'This upload is a sanitised ' +
		    'version of this document, normally at a lower marking.'],
		    ['supersedes', 'Supersedes', 'This upload is a new version of ' +
		    'this document.']].forEach(function (k) {
			const id = self.links[k[0]];

			if (id === '')
				return;
			const value = h('dd', { class: 'govuk-summary-list__value',
			    id: 'isa-link-' + k[0] }, h('span', { class: 'isa-code' },
			    id));
			const rm = h('button', {
				type: 'button', class: 'govuk-button ' +
				    'govuk-button--secondary isa-link-remove',
				id: 'isa-remove-' + k[0],
			}, 'Remove', ui.hidden(' the link: ' + k[1].toLowerCase()));

			rm.addEventListener('click', function () {
				self.links[k[0]] = '';
				if (self.banners)
					self.banners[k[0]] = null;
				self.showBanner();
				self.update();
				self.headingNode.textContent = self.heading();
				document.title = self.heading() +
				    ' \u2013 isa: information sharing';
				self.drawLinks();
				ui.announce(self.notice, k[1] + ' removed: this ' +
				    'upload will be a document of its own.');
				self.file.focus();
			});
			self.linkRows.appendChild(h('div', {},
			    h('dl', { class: 'govuk-summary-list' },
				h('div', { class: 'govuk-summary-list__row' },
				    h('dt', { class: 'govuk-summary-list__key' }, k[1]),
				    value)),
			    hint('isa-link-hint-' + k[0], k[2]), rm));
			ui.api('/api/doc/' + encodeURIComponent(id)).then(function (r) {
				const d = r.doc || {};

				self.linkTitles = self.linkTitles || {};
				self.linkTitles[k[0]] = d.title || id;
				/* The page now shows a document: its marking on the
				 * banners (the higher of the two, if both). */
				self.banners = self.banners || {};
				self.banners[k[0]] = r.banner || null;
				self.showBanner();
				if (k[0] === 'derived_from') {
					self.parent = { cls: rank(CLASSES,
					    d.classification), name: d.classification };
					self.update();
				}
				value.replaceChildren(ui.link(ui.docHref(id),
				    d.title || id), ' ', h('span', { class: 'isa-code' },
				    '(' + id + ')'), d.marking ? h('br') : null,
				    d.marking ? ui.markingTag(d.marking,
				    d.classification) : null);
				if (k[0] === 'supersedes' && self.title.value === '')
					self.title.value = d.title || '';
			}, function (e) {
				value.appendChild(h('span', { class: 'govuk-body' },
				    ': ' + e.message));
			});
		});
	};

	/* ---- checking ---- */

	/* Every problem with what is chosen, each [control to focus, group
	 * to mark, error slot, sentence]; none when the upload may be sent. */
	UploadPage.prototype.problems = function () {
		const out = [];
		const cls = this.cls(), c = rank(CLASSES, cls);
		const onward = this.onward();
		const caveats = this.cavs.filter(function (x) {
			return x.input.checked;
		});
		const firstCls = this.classes.find(function (x) {
			return !x.input.disabled;
		});
		const self = this;

		function add(control, group, slot, text) {
			out.push({ control: control, group: group, slot: slot,
			    text: text });
		}
		if (this.file.files.length === 0)
			add(this.file, this.fileGroup, this.fileErr,
			    'Choose the file to upload');
		if (this.title.value.trim() === '')
			add(this.title, this.titleGroup, this.titleErr,
			    'Enter a title');
		if (cls === '')
			add(firstCls ? firstCls.input : this.classes[0].input,
			    this.clsGroup, this.clsErr, 'Choose a classification');
		else if (!this.classes.find(function (x) {
			return x.name === cls;
		}).cleared)
			add(this.classes[0].input, this.clsGroup, this.clsErr,
			    'Your clearance is below what ' + cls + ' needs');
		caveats.forEach(function (x) {
			if (!x.held)
				add(x.input, self.cavGroup, self.cavErr, 'You do not ' +
				    'hold the attribute ' + x.requires + ' that ' +
				    x.name + ' needs');
			else if (c >= 0 && c < x.min)
				add(x.input, self.cavGroup, self.cavErr, 'The ' + x.name +
				    ' caveat is only for ' + x.minName + ' material');
		});
		if (cls === 'SECRET' && this.handling.value.trim() === '')
			add(this.handling, this.handlingGroup, this.handlingErr,
			    FAULT.handling);
		if (onward === 'open' && c > 0)
			add(this.onwards[0].input, this.onwardGroup, this.onwardErr,
			    FAULT.openClass);
		else if (onward === 'open' && caveats.length > 0)
			add(this.onwards[0].input, this.onwardGroup, this.onwardErr,
			    FAULT.openCaveat);
		if (this.to.length === 0)
			add(this.toSelect, this.toGroup, this.toErr, 'Choose at ' +
			    'least one recipient for the distribution list');
		else if (this.to.indexOf('all') >= 0 && c > 0)
			add(this.toSelect, this.toGroup, this.toErr, 'Everyone ' +
			    'enrolled (all) may receive only OFFICIAL material: ' +
			    'remove it or choose OFFICIAL');
		[[this.review, 'Review by'], [this.destroy, 'Destroy after']]
		    .forEach(function (d) {
			if (d[0].value() === null)
				add(d[0].first, d[0].group, d[0].err, d[1] + ' must ' +
				    'be a real date, for example 31 3 2027');
		});
		const emb = this.embargo.value();

		if (emb === undefined)
			add(this.embargo.inputs.hour, this.embargo.group,
			    this.embargo.err, FAULT.embargo + ': enter the hour ' +
			    'and minute (UTC)');
		else if (emb === null)
			add(this.embargo.first, this.embargo.group, this.embargo.err,
			    'Embargo until must be a real date and time, for ' +
			    'example 1 4 2027 09 00');
		return out;
	};

	UploadPage.prototype.clearErrors = function () {
		form.clearErrors(this.form, this.problem);
	};

	UploadPage.prototype.showProblems = function (list) {
		document.title = 'Error: ' + this.heading() +
		    ' \u2013 isa: information sharing';
		form.showProblems(this.form, this.problem, list);
	};

	/* What the reader can do after a failed upload, by the API's kind
	 * (text and nodes for one paragraph). */
	function refusalAdvice(kind) {
		const later = 'Nothing was stored. Try again later. If it keeps ' +
		    'happening, tell the board administrator.';

		switch (kind) {
		case 'interrupted':
			return ['Nothing was stored. Send it again.'];
		case 'unconfirmed':
			return ['It may or may not have been stored. Look for it ' +
			    'in ', ui.link('/documents', 'your documents'),
			    ' before you send it again, or it may be stored ' +
			    'twice.'];
		case 'unavailable':
		case 'unreachable':
			return [later];
		default:
			return ['Nothing was stored. Change what the message ' +
			    'names and try again.'];
		}
	}

	/* isad's (or isa ui's) refusal, word for word, over the form.
	 * kind: the API's; an upload cut off (isad restarted, or idle too
	 * long) is sent again as it is; one sent but not confirmed may be
	 * stored, so the reader looks first; the server out of reach or
	 * unable for now is tried later; anything else needs a change. */
	UploadPage.prototype.showRefusal = function (message, kind) {
		this.clearErrors();
		const summary = h('div', { class: 'govuk-error-summary',
		    tabindex: '-1', id: 'isa-error-summary' },
		    h('div', { role: 'alert' },
			h('h2', { class: 'govuk-error-summary__title' },
			    kind === 'unconfirmed' ?
			    'The upload was not confirmed' :
			    'The document was not uploaded'),
			h('div', { class: 'govuk-error-summary__body' },
			    h('p', { class: 'govuk-body', id: 'isa-refusal' },
				message),
			    h('p', { class: 'govuk-body', id: 'isa-refusal-advice' },
				refusalAdvice(kind)))));

		this.problem.appendChild(summary);
		this.view('form', 'Error: ' + this.heading());
		summary.focus();
	};

	UploadPage.prototype.view = function (which, title) {
		this.formView.hidden = which !== 'form';
		this.checkView.hidden = which !== 'check';
		this.sendView.hidden = which !== 'send';
		this.doneView.hidden = which !== 'done';
		document.title = title + ' \u2013 isa: information sharing';
	};

	/* ---- the marking and the answers ---- */

	UploadPage.prototype.meta = function () {
		const self = this;
		const m = {
			title: this.title.value.trim(),
			class: this.cls(),
			to: this.to.slice(),
			caveats: this.cavs.filter(function (c) {
				return c.input.checked;
			}).map(function (c) { return c.name; }),
			descriptors: this.descs.filter(function (d) {
				return d.input.checked;
			}).map(function (d) { return d.name; }),
			filename: this.file.files[0].name,
		};
		const onward = this.onward();

		if (this.handling.value.trim() !== '')
			m.handling = this.handling.value.trim();
		if (onward !== 'approval')
			m.onward = onward;
		if (this.originator !== null &&
		    this.originator.value !== this.me.agency)
			m.originator = this.originator.value;
		if (this.review.value() !== '')
			m.review_by = this.review.value();
		if (this.destroy.value() !== '')
			m.destroy_after = this.destroy.value();
		if (this.embargo.value() !== '')
			m.embargo_until = this.embargo.value();
		['derived_from', 'supersedes'].forEach(function (k) {
			if (self.links[k] !== '')
				m[k] = self.links[k];
		});
		return m;
	};

	/* The line `isa get` prints (policy_marking_line): classification,
	 * descriptors in the policy's order, caveats in byte order of their
	 * names (isad lists them so), the onward rule's handling instruction. */
	UploadPage.prototype.markingLine = function (m) {
		const onward = ONWARD.find(function (o) {
			return o.value === (m.onward || 'approval');
		});

		return [m.class].concat(this.dir.descriptors.filter(function (d) {
			return m.descriptors.indexOf(d) >= 0;
		}), this.dir.caveats.map(function (c) {
			return c.name;
		}).filter(function (c) {
			return m.caveats.indexOf(c) >= 0;
		}), [onward.handling]).join(' ');
	};

	UploadPage.prototype.check = function () {
		const list = this.problems();

		if (list.length > 0) {
			this.showProblems(list);
			return;
		}
		this.clearErrors();
		this.notice.textContent = '';
		const self = this, m = this.meta(), file = this.file.files[0];
		const line = this.markingLine(m);
		const agency = function (id) {
			const a = self.dir.agencies.find(function (x) {
				return x.id === id;
			});

			return a && a.name ? a.name + ' (' + id + ')' : id;
		};
		const change = function (what, control) {
			const a = h('a', { class: 'govuk-link', href: '#' + control.id },
			    'Change', ui.hidden(' ' + what));

			a.addEventListener('click', function (ev) {
				ev.preventDefault();
				self.view('form', self.heading());
				control.focus();
			});
			return h('dd', { class: 'govuk-summary-list__actions' }, a);
		};
		const row = function (key, value, control) {
			return h('div', { class: 'govuk-summary-list__row' },
			    h('dt', { class: 'govuk-summary-list__key' }, key),
			    h('dd', { class: 'govuk-summary-list__value' }, value),
			    control ? change(key.toLowerCase(), control) :
			    h('dd', { class: 'govuk-summary-list__actions' }));
		};
		const firstCls = this.classes.find(function (x) {
			return x.input.checked;
		});
		const rows = [
			row('File', file.name + ', ' + ui.size(file.size),
			    this.file),
			row('Title', m.title, this.title),
			row('Marking', h('span', { id: 'isa-check-marking' }, line),
			    firstCls.input),
			row('Handling instructions', m.handling || 'None',
			    this.handling),
			row('Originator', agency(m.originator || this.me.agency),
			    this.originator),
			row('Distribution list', h('ul', {
				class: 'govuk-list govuk-!-margin-bottom-0',
				id: 'isa-check-to',
			}, m.to.map(function (p) {
				return h('li', null, principalLabel(self.dir, p));
			})), this.toSelect),
		];

		if (m.review_by)
			rows.push(row('Review by', ui.dateNode(m.review_by),
			    this.review.first));
		if (m.destroy_after)
			rows.push(row('Destroy after', ui.dateNode(m.destroy_after),
			    this.destroy.first));
		if (m.embargo_until)
			rows.push(row('Embargo until', m.embargo_until.slice(0, 10) +
			    ' ' + m.embargo_until.slice(11, 16) + ' UTC',
			    this.embargo.first));
		['derived_from', 'supersedes'].forEach(function (k) {
			if (m[k])
				rows.push(row(k === 'derived_from' ? 'Derived from' :
				    'Supersedes', ((self.linkTitles || {})[k] ||
				    m[k]) + ' (' + m[k] + ')', null));
		});
		const upload = h('button', { type: 'button', class: 'govuk-button',
		    id: 'isa-upload' }, 'Upload');
		const back = h('button', { type: 'button',
		    class: 'govuk-button govuk-button--secondary', id: 'isa-change' },
		    'Change');
		const heading = h('h1', { class: 'govuk-heading-l', tabindex: '-1',
		    id: 'isa-check-heading' }, 'Check your answers before uploading');

		upload.addEventListener('click', function () { self.send(m); });
		back.addEventListener('click', function () {
			self.view('form', self.heading());
			self.file.focus();
		});
		this.checkView.replaceChildren(heading,
		    h('p', { class: 'govuk-body' }, 'The document will carry this ' +
			'marking, as isa prints it:'),
		    ui.bannerNode({ marking: line, class: m.class.toLowerCase() },
			'Marking of this upload: '),
		    h('h2', { class: 'govuk-heading-m isa-check-gap' }, 'Your answers'),
		    h('dl', { class: 'govuk-summary-list', id: 'isa-check-list' },
			rows),
		    h('p', { class: 'govuk-body' }, 'The board\u2019s server ' +
			'checks the marking and the distribution list again, and ' +
			'stores nothing it refuses.'),
		    h('div', { class: 'govuk-button-group' }, upload, back));
		this.problem.replaceChildren();
		this.view('check', 'Check your answers');
		heading.focus();
	};

	/* ---- sending ---- */

	UploadPage.prototype.send = function (m) {
		const self = this;

		this.view('send', 'Uploading');
		window.isaUploadSend(this.sendView, this.file.files[0], m, {
			done: function (r) { self.done(r, m); },
			refused: function (message, kind) {
				self.showRefusal(message, kind);
			},
			cancelled: function () {
				self.view('check', 'Check your answers');
				self.problem.replaceChildren(h('div', {
					class: 'govuk-inset-text', id: 'isa-cancelled',
					tabindex: '-1',
				}, 'You cancelled the upload: nothing was stored.'));
				self.problem.firstChild.focus();
			},
		});
	};

	UploadPage.prototype.done = function (r, m) {
		const heading = h('h1', { class: 'govuk-panel__title' }, 'Uploaded');
		const panel = h('div', { class: 'govuk-panel ' +
		    'govuk-panel--confirmation', id: 'isa-done-panel',
		    tabindex: '-1' }, heading,
		    h('div', { class: 'govuk-panel__body' }, 'Document ID',
			h('br'), h('strong', { class: 'isa-code', id: 'isa-done-id' },
			    r.id)));

		this.doneView.replaceChildren(panel,
		    h('p', { class: 'govuk-body isa-check-gap' }, 'Marked:'),
		    ui.bannerNode({ marking: r.marking || '', class:
			(m.class || '').toLowerCase() }, 'Marking of the ' +
			'uploaded document: '),
		    h('p', { class: 'govuk-body isa-check-gap' },
			ui.link(ui.docHref(r.id), 'Go to \u201c' + m.title +
			    '\u201d', 'govuk-link'), ' (its page: details, ' +
			'sharing and recall)'),
		    h('p', { class: 'govuk-body' },
			ui.link('/upload', 'Upload another document')));
		this.problem.replaceChildren();
		this.view('done', 'Uploaded');
		panel.focus();
	};

	ui.page('/upload', render);
}());
