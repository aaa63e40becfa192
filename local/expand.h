/* expand.h - what a local recipient turns into: alias expansion
 * (alias_maps), ~/.forward (forward_path), :include: files, down to a list
 * of destinations (mailboxes, forwarded addresses, commands, files).
 *
 * Rules (local(8), aliases(5)):
 * - The alias key is the lower-cased local part, first with its extension
 *   ("joe+x"), then without ("joe"); when only the bare name matched, the
 *   extension is added to the addresses it expands to (joe+x -> bob+x).
 * - An alias or a .forward that names its own user ("root: root, admin",
 *   or "joe" / "\joe" in joe's .forward) delivers to that user's mailbox;
 *   each alias, .forward and include file is expanded at most once per
 *   recipient, so cycles end there. Nesting deeper than max_depth is
 *   "mail forwarding loop for ADDR" (5.4.6).
 * - When "owner-NAME" is an alias too, destinations from alias NAME carry
 *   owner "owner-NAME": errors go there (it becomes the envelope sender).
 * - forward_path elements are expanded with $user $home $shell
 *   $recipient $extension $domain $local $recipient_delimiter; an element
 *   using an empty variable is skipped. The first file that exists is
 *   used; it must be a regular file owned by the user. An empty .forward
 *   means the mailbox.
 * - :include: files must be absolute, regular and readable by whoever
 *   reached them (the user for .forward; anyone for aliases); commands
 *   and files from them run with the file owner's rights (default_privs
 *   if that is root). A missing include file is a temporary error.
 * - allow_mail_to_commands / allow_mail_to_files name the classes
 *   (alias, forward, include) allowed to deliver to |command and /file;
 *   a denied one is "mail to command is restricted" (5.7.1).
 * - An unknown user is "unknown user: \"NAME\"" (5.1.1).
 * Reading of files happens with the caller's privileges; the daemon runs
 * expansion for a .forward with the recipient's effective uid. */
#ifndef POSTERN_LOCAL_EXPAND_H
#define POSTERN_LOCAL_EXPAND_H

#include <stdbool.h>
#include <sys/types.h>

#include "dict/dict.h"
#include "deliver/result.h"

#define LOCAL_CLASS_ALIAS   (1 << 0)
#define LOCAL_CLASS_FORWARD (1 << 1)
#define LOCAL_CLASS_INCLUDE (1 << 2)

/* Parses "alias, forward, include" (comma/space separated); false on an
 * unknown word. */
bool local_class_parse(const char *text, int *classes);

typedef struct local_user {
    char *name, *home, *shell;
    uid_t uid;
    gid_t gid;
} local_user_t;

void local_user_free(local_user_t *u);

typedef struct local_expand_cfg {
    dict_t **alias_maps;          /* searched in order */
    size_t alias_map_count;
    const char *recipient_delimiter;  /* "" or NULL: none */
    const char *forward_path;     /* NULL: local(8)'s default */
    int allow_commands;           /* LOCAL_CLASS_* (default alias|forward) */
    int allow_files;              /* LOCAL_CLASS_* (default alias|forward) */
    int max_depth;                /* 0: 100 */
    off_t max_file_size;          /* .forward / include; 0: 1 MiB */
    /* Finds a user: 1 found (*out filled), 0 unknown, -1 error (*err). */
    int (*get_user)(void *ctx, const char *name, local_user_t *out, char **err);
    /* True when domain is one of ours ("" always is). NULL: only "". */
    bool (*is_local_domain)(void *ctx, const char *domain);
    void *ctx;
} local_expand_cfg_t;

/* A passwd-backed get_user (getpwnam_r). */
int local_get_user_passwd(void *ctx, const char *name, local_user_t *out,
                          char **err);

typedef enum {
    LOCAL_DEST_MAILBOX,   /* value: user name; user: the owner */
    LOCAL_DEST_FORWARD,   /* value: address to resubmit */
    LOCAL_DEST_COMMAND,   /* value: shell command */
    LOCAL_DEST_FILE,      /* value: path (trailing '/': Maildir) */
    LOCAL_DEST_ERROR,     /* error: why this branch cannot be delivered */
} local_dest_kind_t;

typedef struct local_dest {
    local_dest_kind_t kind;
    char *value;
    char *extension;      /* for mailbox and command delivery ("" none) */
    char *owner;          /* "owner-NAME" for errors, NULL: the sender */
    int source;           /* LOCAL_CLASS_* it came from; 0: the recipient */
    bool default_privs;   /* run command/file as default_privs */
    local_user_t user;    /* rights for commands/files (when !default_privs)
                           * and the mailbox owner */
    dlv_result_t error; /* for LOCAL_DEST_ERROR */
} local_dest_t;

typedef struct local_dests {
    local_dest_t *items;
    size_t count;
} local_dests_t;

void local_dests_init(local_dests_t *d);
void local_dests_free(local_dests_t *d);

/* Expands one recipient address. Returns 0 with out filled (each branch
 * that failed permanently is a LOCAL_DEST_ERROR entry), or -1 with *res
 * set when the recipient as a whole must be deferred (table or file
 * error) or bounced (unknown user, loop). */
int local_expand(const local_expand_cfg_t *cfg, const char *recipient,
                 local_dests_t *out, dlv_result_t *res);

#endif
