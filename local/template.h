/* template.h - $name expansion for forward_path and mailbox_command:
 * $name, ${name}, ${name?text} (text when name is not empty) and
 * ${name:text} (text when name is empty); $$ is a literal '$'. Names are
 * looked up in a small table (user, home, shell, recipient, extension,
 * domain, local, recipient_delimiter, mailbox). */
#ifndef POSTERN_LOCAL_TEMPLATE_H
#define POSTERN_LOCAL_TEMPLATE_H

#include <stdbool.h>

#include "util/buf.h"

typedef struct local_var {
    const char *name;
    const char *value;  /* NULL counts as empty */
} local_var_t;

/* Expands tmpl into out. *used_empty (if not NULL) becomes true when a
 * plain $name or ${name} referred to an empty or unknown variable (local(8)
 * skips such a forward_path element). Returns 0, or -1 with *err for a
 * syntax error (unterminated "${", empty name). */
int local_template_expand(const char *tmpl, const local_var_t *vars,
                          size_t nvars, buf_t *out, bool *used_empty,
                          char **err);

#endif
