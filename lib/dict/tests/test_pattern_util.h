/* test_pattern_util.h - helpers for the table unit tests: write a table
 * file, capture warnings in a log file, look keys up with "got X, want Y"
 * messages. Header-only; each test program includes it once. */
#ifndef POSTERN_DICT_TEST_PATTERN_UTIL_H
#define POSTERN_DICT_TEST_PATTERN_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict/dict.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

static char tp_dir[] = "/tmp/postern-dict-test-XXXXXX";
static char tp_log[4200];

/* Creates a private directory and sends warnings to a log file in it. */
static inline int tp_setup(void **state)
{
    (void) state;
    if (mkdtemp(tp_dir) == NULL)
        return -1;
    snprintf(tp_log, sizeof(tp_log), "%s/log", tp_dir);
    if (msg_open_file(tp_log) < 0)
        return -1;
    msg_set_sinks(MSG_SINK_FILE);
    return 0;
}

static inline int tp_teardown(void **state)
{
    char cmd[4300];

    (void) state;
    msg_open_file(NULL);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes len bytes into a file named name in the test directory and
 * returns its path (static buffer). */
static inline const char *tp_write(const char *name, const char *data, size_t len)
{
    static char path[4200];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", tp_dir, name);
    fp = fopen(path, "wb");
    if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        abort();
    }
    return path;
}

/* Truncates the warning log. */
static inline void tp_log_clear(void)
{
    if (truncate(tp_log, 0) < 0)
        abort();
}

/* True when the warning log contains text. */
static inline int tp_log_has(const char *text)
{
    FILE *fp = fopen(tp_log, "r");
    char line[8192];
    int found = 0;

    if (fp == NULL)
        return 0;
    while (!found && fgets(line, sizeof(line), fp))
        found = strstr(line, text) != NULL;
    fclose(fp);
    return found;
}

/* Opens type:path, failing the test with the error. */
static inline dict_t *tp_open(const char *type, const char *path, int flags)
{
    buf_t name = BUF_INIT;
    char *err = NULL;
    dict_t *d;

    buf_printf(&name, "%s:%s", type, path);
    d = dict_open(name.data, O_RDONLY, flags, &err);
    if (d == NULL)
        fail_msg("open %s: %s", name.data, err ? err : "(no message)");
    buf_dispose(&name);
    xfree(err);
    return d;
}

/* Checks one lookup: want NULL means "not found". */
static inline void tp_expect(dict_t *d, const char *key, const char *want)
{
    buf_t value = BUF_INIT;
    char *err = NULL;
    int rc = dict_lookup(d, key, &value, &err);

    if (rc == DICT_ERROR)
        fail_msg("%s: key \"%s\": error %s", dict_name(d), key, err ? err : "?");
    if (want == NULL && rc == DICT_FOUND)
        fail_msg("%s: key \"%s\": got \"%s\", want not found", dict_name(d), key, value.data);
    if (want && rc != DICT_FOUND)
        fail_msg("%s: key \"%s\": got not found, want \"%s\"", dict_name(d), key, want);
    if (want && strcmp(value.data, want) != 0)
        fail_msg("%s: key \"%s\": got \"%s\", want \"%s\"", dict_name(d), key, value.data, want);
    buf_dispose(&value);
    xfree(err);
}

struct tp_case {
    const char *key;
    const char *want;   /* NULL: not found */
};

static inline void tp_expect_all(dict_t *d, const struct tp_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tp_expect(d, cases[i].key, cases[i].want);
}

#define TP_N(a) (sizeof(a) / sizeof((a)[0]))

/* Compatibility checks against Postfix's own postmap, when installed:
 * tp_postmap_ready() prepares an empty main.cf (false: no postmap, the
 * caller skips); tp_compare_postmap() looks key up with "postmap -q" and
 * with our table and fails on any difference. Keys must be shell-safe. */
#define TP_POSTMAP "/usr/sbin/postmap"

static inline int tp_postmap_ready(void)
{
    char path[4300];

    if (access(TP_POSTMAP, X_OK) != 0)
        return 0;
    snprintf(path, sizeof(path), "%s/main.cf", tp_dir);
    if (access(path, F_OK) != 0)
        tp_write("main.cf", "", 0);
    return setenv("MAIL_CONFIG", tp_dir, 1) == 0;
}

/* Runs postmap -q; returns 1 with its output in *out, 0 for not found. */
static inline int tp_postmap_query(const char *table, const char *key, buf_t *out)
{
    buf_t cmd = BUF_INIT;
    char chunk[4096];
    size_t got;
    FILE *fp;
    int status;

    buf_printf(&cmd, "%s -q '%s' '%s' 2>/dev/null", TP_POSTMAP, key, table);
    fp = popen(cmd.data, "r");
    if (fp == NULL)
        fail_msg("popen %s", cmd.data);
    buf_set(out, "");
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf_append(out, chunk, got);
    status = pclose(fp);
    buf_dispose(&cmd);
    while (out->len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
    return status == 0;
}

static inline void tp_compare_postmap(dict_t *d, const char *table, const char *key)
{
    buf_t theirs = BUF_INIT, ours = BUF_INIT;
    char *err = NULL;
    int their_rc = tp_postmap_query(table, key, &theirs);
    int our_rc = dict_lookup(d, key, &ours, &err);

    if (our_rc == DICT_ERROR)
        fail_msg("%s key \"%s\": error %s", table, key, err);
    if (their_rc != (our_rc == DICT_FOUND) || (their_rc && strcmp(theirs.data, ours.data) != 0))
        fail_msg("%s key \"%s\": got %s \"%s\", postmap says %s \"%s\"", table, key,
                 our_rc == DICT_FOUND ? "found" : "not found", our_rc == DICT_FOUND ? ours.data : "",
                 their_rc ? "found" : "not found", their_rc ? theirs.data : "");
    buf_dispose(&theirs);
    buf_dispose(&ours);
}

#endif
