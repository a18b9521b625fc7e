/* commands.h: the isa subcommands; each takes argv from its own name on and returns an exit code. */
#ifndef ISA_CLIENT_COMMANDS_H
#define ISA_CLIENT_COMMANDS_H

int cmd_keygen(int argc, char **argv);
int cmd_whoami(int argc, char **argv);
int cmd_put(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_share(int argc, char **argv);
int cmd_requests(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_refuse(int argc, char **argv);
int cmd_recall(int argc, char **argv);
int cmd_inbox(int argc, char **argv);
int cmd_directory(int argc, char **argv);

#endif
