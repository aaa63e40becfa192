/* show_master.h - postconf -M: master.cf entries, one normalized line each
 * as Postfix prints them: columns at fixed positions (a long field pushes
 * the next one a space further), all arguments on the line, "-o
 * name=value", or "-o {name=value}" when the value holds white space, and
 * other arguments without the braces they may have been written with).
 * selectors: "service" or "service/type" (NULL or empty: all entries).
 * Returns 0, or 1 when master.cf cannot be read or parsed (message on
 * stderr naming file and line). */
#ifndef POSTERN_POSTCONF_SHOW_MASTER_H
#define POSTERN_POSTCONF_SHOW_MASTER_H

int show_master(const char *config_dir, char **selectors);

#endif
