/* form.js: GOV.UK Frontend form parts for isa ui's pages (hints, radios and checkboxes, fieldsets, date inputs) and their errors: an error summary that takes focus and each field's own message. */
'use strict';

(function () {
	const ui = window.isaUi;
	const h = ui.h;

	function hint(id, text) {
		return h('div', { class: 'govuk-hint', id: id }, text);
	}

	function errorSlot(id) {
		return h('p', { class: 'govuk-error-message', id: id, hidden: true });
	}

	/* A radio or checkbox item (kind 'radios' or 'checkboxes'). */
	/* hintText null: no hint; '' a hint filled in later. */
	function choice(kind, name, id, value, label, hintText) {
		const hinted = hintText !== null && hintText !== undefined;
		const input = h('input', {
			class: 'govuk-' + kind + '__input', id: id, name: name,
			type: kind === 'radios' ? 'radio' : 'checkbox', value: value,
			'aria-describedby': hinted ? id + '-hint' : null,
		});
		const hintNode = hinted ? h('div', {
			class: 'govuk-hint govuk-' + kind + '__hint', id: id + '-hint',
		}, hintText) : null;

		return { input: input, hint: hintNode, item: h('div', {
			class: 'govuk-' + kind + '__item',
		}, input, h('label', {
			class: 'govuk-label govuk-' + kind + '__label', for: id,
		}, label), hintNode) };
	}

	function fieldset(legend, hintId, hintText, body, err) {
		return h('fieldset', {
			class: 'govuk-fieldset',
			'aria-describedby': hintText ? hintId : null,
		}, h('legend', {
			class: 'govuk-fieldset__legend govuk-fieldset__legend--m',
		}, legend), hintText ? hint(hintId, hintText) : null, err, body);
	}

	/* A GOV.UK date input (day, month, year; with hour and minute when
	 * time): returns its group, its inputs, and its value. */
	function dateInput(id, legend, hintText, time) {
		const parts = [['day', 'Day', 2], ['month', 'Month', 2],
		    ['year', 'Year', 4]].concat(time ? [['hour', 'Hour', 2],
		    ['minute', 'Minute', 2]] : []);
		const inputs = {};
		const err = errorSlot(id + '-error');
		const items = parts.map(function (p) {
			const input = h('input', {
				class: 'govuk-input govuk-date-input__input ' +
				    'govuk-input--width-' + p[2],
				id: id + '-' + p[0], name: id + '-' + p[0],
				type: 'text', inputmode: 'numeric',
				autocomplete: 'off', spellcheck: 'false',
			});

			inputs[p[0]] = input;
			return h('div', { class: 'govuk-date-input__item' },
			    h('div', { class: 'govuk-form-group' },
				h('label', {
					class: 'govuk-label govuk-date-input__label',
					for: input.id,
				}, p[1]), input));
		});
		const group = h('div', { class: 'govuk-form-group' },
		    h('fieldset', {
			class: 'govuk-fieldset', role: 'group',
			'aria-describedby': id + '-hint',
		    }, h('legend', {
			class: 'govuk-fieldset__legend govuk-fieldset__legend--s',
		    }, legend), hint(id + '-hint', hintText), err,
			h('div', { class: 'govuk-date-input', id: id }, items)));

		/* '' when empty; null when not a real date (or time); else
		 * YYYY-MM-DD, or an RFC 3339 time in UTC. */
		function value() {
			const v = {};

			for (const k of Object.keys(inputs))
				v[k] = inputs[k].value.trim();
			if (Object.keys(v).every(function (k) { return v[k] === ''; }))
				return '';
			if (!/^\d{1,2}$/.test(v.day) || !/^\d{1,2}$/.test(v.month) ||
			    !/^\d{4}$/.test(v.year))
				return null;
			const y = Number(v.year), m = Number(v.month), d = Number(v.day);
			const t = new Date(Date.UTC(y, m - 1, d));

			if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 ||
			    t.getUTCDate() !== d || y < 1970)
				return null;
			const date = v.year + '-' + String(m).padStart(2, '0') + '-' +
			    String(d).padStart(2, '0');

			if (!time)
				return date;
			if (!/^\d{1,2}$/.test(v.hour) || !/^\d{1,2}$/.test(v.minute) ||
			    Number(v.hour) > 23 || Number(v.minute) > 59)
				return undefined;	/* a date without its time */
			return date + 'T' + v.hour.padStart(2, '0') + ':' +
			    v.minute.padStart(2, '0') + ':00Z';
		}

		return { group: group, inputs: inputs, err: err, value: value,
		    first: inputs.day };
	}

	/* Every error of form taken away, and box (the summary's place)
	 * emptied. */
	function clearErrors(form, box) {
		box.replaceChildren();
		form.querySelectorAll('.govuk-form-group--error')
		    .forEach(function (g) {
			g.classList.remove('govuk-form-group--error');
		});
		form.querySelectorAll('.govuk-error-message')
		    .forEach(function (p) {
			p.hidden = true;
			p.replaceChildren();
		});
		form.querySelectorAll('[data-isa-error]').forEach(function (e) {
			e.setAttribute('aria-describedby', e.getAttribute(
			    'data-isa-error'));
			e.removeAttribute('data-isa-error');
			e.classList.remove('govuk-input--error',
			    'govuk-textarea--error', 'govuk-select--error',
			    'govuk-file-upload--error');
		});
	}

	/* list: problems {control to focus, group to mark, slot (errorSlot),
	 * text}.  Marks each field, puts the error summary in box and gives
	 * it the focus. */
	function showProblems(form, box, list) {
		clearErrors(form, box);
		list.forEach(function (p) {
			const c = p.control;

			p.group.classList.add('govuk-form-group--error');
			if (p.slot.hidden)
				p.slot.hidden = false;
			ui.append(p.slot, [ui.hidden('Error: '), p.text + '. ']);
			if (c.tagName !== 'INPUT' || (c.type !== 'radio' &&
			    c.type !== 'checkbox')) {
				if (!c.hasAttribute('data-isa-error'))
					c.setAttribute('data-isa-error',
					    c.getAttribute('aria-describedby') || '');
				c.setAttribute('aria-describedby', ((c.getAttribute(
				    'data-isa-error') || '') + ' ' + p.slot.id).trim());
				c.classList.add(c.tagName === 'TEXTAREA' ?
				    'govuk-textarea--error' : c.tagName === 'SELECT' ?
				    'govuk-select--error' : c.type === 'file' ?
				    'govuk-file-upload--error' : 'govuk-input--error');
			}
		});
		const summary = h('div', { class: 'govuk-error-summary',
		    tabindex: '-1', id: 'isa-error-summary' },
		    h('div', { role: 'alert' },
			h('h2', { class: 'govuk-error-summary__title' },
			    'There is a problem'),
			h('div', { class: 'govuk-error-summary__body' },
			    h('ul', { class: 'govuk-list govuk-error-summary__list' },
				list.map(function (p) {
					const a = h('a', { href: '#' + p.control.id },
					    p.text);

					a.addEventListener('click', function (ev) {
						ev.preventDefault();
						p.control.focus();
					});
					return h('li', null, a);
				})))));

		box.appendChild(summary);
		summary.focus();
	}

	window.isaForm = Object.freeze({
		hint: hint, errorSlot: errorSlot, choice: choice,
		fieldset: fieldset, dateInput: dateInput,
		clearErrors: clearErrors, showProblems: showProblems,
	});
}());
