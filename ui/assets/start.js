/* start.js: from the login's landing page to the inbox, with the session's key (the #k= fragment) kept. */
'use strict';
location.replace('/inbox' + (/^#k=[0-9a-f]{64}$/.test(location.hash) ? location.hash : ''));
