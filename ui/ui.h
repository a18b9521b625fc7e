/* ui.h: `isa ui`, the board in a browser: the command the isa binary runs. */
#ifndef ISA_UI_UI_H
#define ISA_UI_UI_H

/* isa ui [--port N] [--no-browser] [--config FILE]: argv from "ui" on;
 * returns the exit code. */
int cmd_ui(int argc, char **argv);

#endif
