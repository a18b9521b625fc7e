/* upload.js: a placeholder until this module of isa ui's pages lands. */
'use strict';
