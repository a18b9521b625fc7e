/* uploadsend.js: one file streamed to isa ui's POST /api/upload by XMLHttpRequest (the description in X-ISA-Meta), with a progress bar, its percentage said in tens, and Cancel (the request aborted: isa ui abandons the transfer and isad stores nothing). */
'use strict';

(function () {
	const ui = window.isaUi;
	const h = ui.h;

	/* What isa ui answered: on.done(reply) for 200 {id, ...}; the session
	 * gone: isa.js's page for it; else on.refused(the API's sentence,
	 * its kind). */
	function answered(xhr, on) {
		let body = null;

		try {
			body = JSON.parse(xhr.responseText);
		} catch (e) {
			body = null;
		}
		if (xhr.status === 200 && body && typeof body.id === 'string') {
			on.done(body);
			return;
		}
		const err = body && body.error && typeof body.error.kind ===
		    'string' ? body.error : null;

		if ((err && err.kind === 'session') ||
		    (err === null && xhr.status === 403)) {
			ui.showError(new ui.ApiError('session', err ? err.message :
			    '', xhr.status));
			return;
		}
		on.refused(err ? String(err.message || '') :
		    'isa ui gave an answer this page does not understand.',
		    err ? err.kind : '');
	}

	/* Send file with the description meta, drawing the progress into
	 * view (emptied first; its heading takes the focus).  Exactly one of
	 * on.done(reply), on.refused(sentence, kind), on.cancelled() follows,
	 * unless the session has ended. */
	function send(view, file, meta, on) {
		const xhr = new XMLHttpRequest();
		const bar = h('progress', { id: 'isa-progress', max: '100',
		    value: '0' });
		const pct = h('p', { class: 'govuk-body', id: 'isa-progress-text',
		    'aria-live': 'polite' }, '0% sent');
		const cancel = h('button', { type: 'button',
		    class: 'govuk-button govuk-button--warning', id: 'isa-cancel' },
		    'Cancel');
		const heading = h('h1', { class: 'govuk-heading-l', tabindex: '-1' },
		    'Uploading');
		let said = 0;

		view.replaceChildren(heading,
		    h('label', { class: 'govuk-label', for: 'isa-progress' },
			'Sending ' + file.name + ', ' + ui.size(file.size)),
		    bar, pct, cancel);
		cancel.addEventListener('click', function () {
			cancel.disabled = true;
			xhr.abort();
		});
		xhr.upload.addEventListener('progress', function (ev) {
			if (!ev.lengthComputable || ev.total === 0)
				return;
			const p = Math.floor(ev.loaded * 100 / ev.total);

			bar.value = p;
			/* Said in tens, so a screen reader is not flooded. */
			if (p >= said + 10 || p === 100) {
				said = p - p % 10;
				pct.textContent = p + '% sent';
			}
		});
		xhr.addEventListener('load', function () {
			answered(xhr, on);
		});
		xhr.addEventListener('error', function () {
			on.refused('This page cannot reach isa ui on this computer.');
		});
		xhr.addEventListener('abort', function () {
			on.cancelled();
		});
		xhr.open('POST', '/api/upload');
		xhr.setRequestHeader('Accept', 'application/json');
		xhr.setRequestHeader('Content-Type', 'application/octet-stream');
		xhr.setRequestHeader('X-ISA-Key', ui.state.key);
		xhr.setRequestHeader('X-CSRF-Token', ui.state.csrf || '');
		xhr.setRequestHeader('X-ISA-Meta',
		    encodeURIComponent(JSON.stringify(meta)));
		xhr.send(file);
		heading.focus();
	}

	window.isaUploadSend = send;
}());
