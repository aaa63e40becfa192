/* test_qfile.c - the queue file format end to end: writer -> reader round
 * trip, truncation at every byte offset, bogus lengths, unknown and optional
 * record types, section order, NUL bytes, in-place done marking and warn
 * time, group commit, abort, long lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "qtest_util.h"

static char qdir[256];
static queue_t *q;

static int setup(void **state)
{
    (void) state;
    q = qt_queue(qdir, sizeof(qdir), NULL, 1);
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    qt_rm_rf(qdir);
    queue_free(q);
    return 0;
}

/* Commits a sample message and returns its bytes and id. */
static void committed_sample(buf_t *bytes, char id[QUEUE_ID_SIZE])
{
    qwriter_t *w = qt_sample(q, QUEUE_INCOMING, 3);
    char *err = NULL;
    buf_t path = BUF_INIT;

    assert_int_equal(qwriter_commit(w, &err), 0);
    strcpy(id, qwriter_id(w));
    qwriter_free(w);
    assert_int_equal(queue_path(q, QUEUE_INCOMING, id, &path, &err), 0);
    assert_int_equal(qt_read_file(buf_str(&path), bytes), 0);
    buf_dispose(&path);
}

static void test_round_trip(void **state)
{
    char id[QUEUE_ID_SIZE], *err = NULL;
    buf_t bytes = BUF_INIT, content = BUF_INIT;
    qfile_t *qf;
    const qenvelope_t *env;
    qrecord_t rec;
    int rc;

    (void) state;
    committed_sample(&bytes, id);
    assert_int_equal(qfile_open(q, QUEUE_INCOMING, id, QFILE_READ, &qf, &err), QFILE_OK);
    env = qfile_envelope(qf);
    assert_string_equal(env->sender, "sender@example.org");
    assert_string_equal(env->envid, "ENV-1");
    assert_int_equal(env->ret, QDSN_RET_HDRS);
    assert_int_equal(env->arrival.tv_sec, 1700000000);
    assert_int_equal(env->arrival.tv_usec, 123456);
    assert_true(env->has_create_time);
    assert_int_equal(env->rcpt_count, 4);
    assert_int_equal(env->size.rcpt_count, 4);
    assert_string_equal(env->rcpts[0].address, "rcpt0@example.com");
    assert_string_equal(env->rcpts[0].orig, "orig@example.com");
    assert_string_equal(env->rcpts[0].dsn_orcpt, "rfc822;orig@example.com");
    assert_int_equal(env->rcpts[0].notify, QDSN_NOTIFY_SUCCESS | QDSN_NOTIFY_FAILURE);
    assert_null(env->rcpts[1].orig);
    assert_false(env->rcpts[2].done);
    assert_false(env->rcpts[2].extracted);
    assert_string_equal(env->rcpts[3].address, "extracted@example.net");
    assert_true(env->rcpts[3].extracted);
    assert_int_equal(env->rcpts[3].notify, QDSN_NOTIFY_NEVER);
    assert_string_equal(qfile_attr(qf, QATTR_CLIENT_ADDR), "192.0.2.1");
    assert_null(qfile_attr(qf, QATTR_SASL_USER));
    assert_int_equal(env->file_size, (long long) bytes.len);
    /* content reproduced, NUL byte and missing final newline included */
    qfile_seek(qf, env->size.content_offset);
    while ((rc = qfile_next(qf, &rec, &err)) == 1) {
        if (rec.type == QREC_LINE || rec.type == QREC_PARTIAL)
            buf_append(&content, rec.data, rec.len);
        if (rec.type == QREC_LINE)
            buf_putc(&content, '\n');
    }
    assert_int_equal(rc, 0);
    assert_int_equal(content.len, env->size.message_size);
    assert_memory_equal(content.data, "Subject: test\n\nbody with \0 NUL\nno final newline", content.len);
    qfile_close(qf);
    buf_dispose(&bytes);
    buf_dispose(&content);
}

static void test_truncation_at_every_offset(void **state)
{
    char id[QUEUE_ID_SIZE], *err = NULL;
    buf_t bytes = BUF_INIT;

    (void) state;
    committed_sample(&bytes, id);
    assert_int_equal(qt_check_bytes(bytes.data, bytes.len, &err), QFILE_OK);
    for (size_t cut = 0; cut < bytes.len; cut++) {
        int rc = qt_check_bytes(bytes.data, cut, &err);
        if (rc != QFILE_ERR_CORRUPT)
            fail_msg("truncation at %zu of %zu not detected (rc %d)", cut, bytes.len, rc);
        xfree(err);
        err = NULL;
    }
    /* and a trailing byte after END */
    buf_putc(&bytes, 'E');
    assert_int_equal(qt_check_bytes(bytes.data, bytes.len, &err), QFILE_ERR_CORRUPT);
    assert_non_null(strstr(err, "after END"));
    xfree(err);
    buf_dispose(&bytes);
}

/* A minimal valid file built by hand, so single records can be changed. */
static void raw(buf_t *b, int type, const void *data, size_t len)
{
    unsigned char h[QREC_MAX_HEADER];

    buf_append(b, h, qrec_put_header(h, type, len));
    buf_append(b, data, len);
}

static void raw_str(buf_t *b, int type, const char *s)
{
    raw(b, type, s, strlen(s));
}

/* Builds: SIZE T S R(s) M N X [extra] E; extra/extra_len inserted after X
 * (extracted section), or before M when before_content. */
static void raw_file(buf_t *b, const char *extra, size_t extra_len, bool before_content)
{
    char size[QREC_SIZE_LEN + 1];
    qsize_t sz = {6, 0, 1, true};
    buf_t env = BUF_INIT;

    buf_reset(b);
    raw_str(&env, QREC_TIME, "1700000000.000001");
    raw_str(&env, QREC_SENDER, "");
    raw_str(&env, QREC_RCPT, "T0a@b");
    if (before_content)
        buf_append(&env, extra, extra_len);
    sz.content_offset = 2 + QREC_SIZE_LEN + (long long) env.len;
    qrec_format_size(size, &sz);
    raw(b, QREC_SIZE, size, QREC_SIZE_LEN);
    buf_append(b, env.data, env.len);
    raw(b, QREC_CONTENT, "", 0);
    raw_str(b, QREC_LINE, "hello");
    raw(b, QREC_XTRACT, "", 0);
    if (!before_content)
        buf_append(b, extra, extra_len);
    raw(b, QREC_END, "", 0);
    buf_dispose(&env);
}

static int check_raw(const char *extra, size_t extra_len, bool before_content)
{
    buf_t b = BUF_INIT;
    char *err = NULL;
    int rc;

    raw_file(&b, extra, extra_len, before_content);
    rc = qt_check_bytes(b.data, b.len, &err);
    xfree(err);
    buf_dispose(&b);
    return rc;
}

static void test_hand_built_file_is_valid(void **state)
{
    (void) state;
    assert_int_equal(check_raw("", 0, false), QFILE_OK);
}

static void test_bogus_lengths(void **state)
{
    (void) state;
    /* huge: 3 length bytes above QREC_MAX_LEN */
    assert_int_equal(check_raw("A\xff\xff\x7f", 4, false), QFILE_ERR_CORRUPT);
    /* a 4th length byte (continuation never ends) */
    assert_int_equal(check_raw("A\x80\x80\x80\x01", 5, false), QFILE_ERR_CORRUPT);
    /* non-minimal encoding of 1 */
    assert_int_equal(check_raw("A\x81\x00x", 4, false), QFILE_ERR_CORRUPT);
    /* length beyond end of file */
    assert_int_equal(check_raw("A\x7fx=y", 5, false), QFILE_ERR_CORRUPT);
    /* a "negative" length as a two's complement varint */
    assert_int_equal(check_raw("A\xff\xff\xff\xff\x0f", 6, false), QFILE_ERR_CORRUPT);
    /* a valid record for comparison */
    assert_int_equal(check_raw("A\x03x=y", 5, false), QFILE_OK);
}

static void test_record_types(void **state)
{
    (void) state;
    /* unknown types are errors, in both sections */
    assert_int_equal(check_raw("Z\x01x", 3, false), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("Z\x01x", 3, true), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("\0\x00", 2, true), QFILE_ERR_CORRUPT);
    /* optional (0x80) unknown types are skipped */
    assert_int_equal(check_raw("\xda\x03xyz", 5, false), QFILE_OK);
    assert_int_equal(check_raw("\xda\x00", 2, true), QFILE_OK);
    /* records outside their section */
    assert_int_equal(check_raw("N\x01x", 3, false), QFILE_ERR_CORRUPT);   /* content after X */
    assert_int_equal(check_raw("T\x11" "1700000000.000001", 19, true), QFILE_ERR_CORRUPT); /* 2nd T */
    assert_int_equal(check_raw("S\x00", 2, true), QFILE_ERR_CORRUPT);     /* 2nd sender */
    /* markers with payloads */
    assert_int_equal(check_raw("X\x01x", 3, false), QFILE_ERR_CORRUPT);
    /* original recipient without a recipient after it */
    assert_int_equal(check_raw("O\x03" "a@b", 5, false), QFILE_ERR_CORRUPT);
    /* NUL in envelope text */
    assert_int_equal(check_raw("A\x03x=\0", 5, true), QFILE_ERR_CORRUPT);
    /* attributes: need a name */
    assert_int_equal(check_raw("A\x02=y", 4, true), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("A\x03x-y", 5, true), QFILE_ERR_CORRUPT);
    /* recipient status/notify */
    assert_int_equal(check_raw("R\x03X0a", 5, true), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("R\x03TGa", 5, true), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("R\x03T9a", 5, true), QFILE_ERR_CORRUPT);  /* NEVER+SUCCESS */
    assert_int_equal(check_raw("R\x01T", 3, true), QFILE_ERR_CORRUPT);
    /* an extra recipient makes the count disagree with SIZE */
    assert_int_equal(check_raw("R\x03T0a", 5, true), QFILE_ERR_CORRUPT);
    /* bad RET, bad times, bad warn */
    assert_int_equal(check_raw("r\x04NONE", 6, true), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("c\x0a" "1700000000", 12, true), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("c\x09" "01.000000", 11, true), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("c\x08" "1.000000", 10, true), QFILE_OK);
    assert_int_equal(check_raw("W\x0c" "00000000000x", 14, true), QFILE_ERR_CORRUPT);
    assert_int_equal(check_raw("W\x0c" "000000000001", 14, true), QFILE_OK);
}

static void test_size_record_checks(void **state)
{
    buf_t b = BUF_INIT;
    char *err = NULL;
    static const struct { size_t at; char ch; } edits[] = {
        {2, '2'},     /* unknown version (payload byte 0) */
        {39, '0'},    /* not marked complete (payload byte 37) */
        {15, '9'},    /* message size differs (last digit) */
        {28, '1'},    /* content offset differs (last digit) */
        {37, '7'},    /* recipient count differs (last digit) */
        {4, ' '},     /* not a digit */
        {3, '0'},     /* separator missing */
        {0, 'c'},     /* first record is not SIZE */
    };

    (void) state;
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        raw_file(&b, "", 0, false);
        b.data[edits[i].at] = edits[i].ch;
        if (qt_check_bytes(b.data, b.len, &err) != QFILE_ERR_CORRUPT)
            fail_msg("edit #%zu not detected", i);
        xfree(err);
        err = NULL;
    }
    buf_dispose(&b);
}

static void test_mark_done_persists(void **state)
{
    char id[QUEUE_ID_SIZE], *err = NULL;
    buf_t bytes = BUF_INIT;
    qfile_t *qf;

    (void) state;
    committed_sample(&bytes, id);
    assert_int_equal(qfile_open(q, QUEUE_INCOMING, id, QFILE_READ, &qf, &err), QFILE_OK);
    assert_int_equal(qfile_mark_done(qf, 0, &err), QFILE_ERR_IO);   /* read-only */
    xfree(err);
    qfile_close(qf);
    assert_int_equal(qfile_open(q, QUEUE_INCOMING, id, QFILE_WRITE, &qf, &err), QFILE_OK);
    assert_int_equal(qfile_mark_done(qf, 1, &err), QFILE_OK);
    assert_int_equal(qfile_set_done(qf, 3, &err), QFILE_OK);
    assert_int_equal(qfile_sync(qf, &err), QFILE_OK);
    assert_int_equal(qfile_set_warn(qf, 1700003600, &err), QFILE_OK);
    assert_int_equal(qfile_mark_done(qf, 4, &err), QFILE_ERR_IO);   /* no such recipient */
    xfree(err);
    qfile_close(qf);
    assert_int_equal(qfile_open(q, QUEUE_INCOMING, id, QFILE_READ, &qf, &err), QFILE_OK);
    assert_false(qfile_envelope(qf)->rcpts[0].done);
    assert_true(qfile_envelope(qf)->rcpts[1].done);
    assert_false(qfile_envelope(qf)->rcpts[2].done);
    assert_true(qfile_envelope(qf)->rcpts[3].done);
    assert_int_equal(qfile_envelope(qf)->warn_time, 1700003600);
    qfile_close(qf);
    buf_dispose(&bytes);
}

static void test_group_commit(void **state)
{
    qwriter_t *ws[10];
    int results[10];
    char *errs[10], *err = NULL;
    queue_list_t list;

    (void) state;
    for (int i = 0; i < 10; i++)
        ws[i] = qt_sample(q, QUEUE_HOLD, 1);
    /* nothing visible before the commit */
    assert_int_equal(queue_scan(q, QUEUE_HOLD, &list, &err), 0);
    assert_int_equal(list.count, 0);
    queue_list_free(&list);
    assert_int_equal(qwriter_commit_batch(ws, 10, results, errs), 10);
    assert_int_equal(queue_scan(q, QUEUE_HOLD, &list, &err), 0);
    assert_int_equal(list.count, 10);
    for (size_t i = 0; i < list.count; i++) {
        qfile_t *qf;
        assert_int_equal(results[i], 0);
        assert_int_equal(qfile_open(q, QUEUE_HOLD, list.items[i].id, QFILE_READ, &qf, &err), QFILE_OK);
        qfile_close(qf);
        if (i > 0)
            assert_true(strcmp(list.items[i - 1].id, list.items[i].id) < 0);
        assert_int_equal(queue_remove(q, QUEUE_HOLD, list.items[i].id, false, &err), 1);
    }
    queue_list_free(&list);
    for (int i = 0; i < 10; i++)
        qwriter_free(ws[i]);
}

static void test_abort_leaves_nothing(void **state)
{
    qwriter_t *w = qt_sample(q, QUEUE_CORRUPT, 1);
    qwriter_t *w2 = qt_sample(q, QUEUE_CORRUPT, 1);
    queue_list_t list;
    char *err = NULL;
    DIR *dir;
    struct dirent *de;
    buf_t path = BUF_INIT;
    int entries = 0;

    (void) state;
    assert_int_equal(qwriter_finish(w2, &err), 0);
    qwriter_abort(w);
    qwriter_free(w2);          /* finished but never committed */
    assert_int_equal(queue_scan(q, QUEUE_CORRUPT, &list, &err), 0);
    assert_int_equal(list.count, 0);
    buf_printf(&path, "%s/corrupt", qdir);
    dir = opendir(buf_str(&path));
    assert_non_null(dir);
    while ((de = readdir(dir)) != NULL)
        entries += de->d_name[0] != '.';
    closedir(dir);
    assert_int_equal(entries, 0);
    buf_dispose(&path);
}

static void test_crashed_writer_invisible_and_swept(void **state)
{
    qwriter_t *w = qt_sample(q, QUEUE_MAILDROP, 1);
    queue_list_t list;
    char *err = NULL;
    int removed = -1;

    (void) state;
    /* a writer that never commits (as after kill -9): only tmp.* exists */
    assert_int_equal(queue_scan(q, QUEUE_MAILDROP, &list, &err), 0);
    assert_int_equal(list.count, 0);
    assert_int_equal(queue_sweep_temp(q, QUEUE_MAILDROP, 3600, &removed, &err), 0);
    assert_int_equal(removed, 0);                 /* too young */
    assert_int_equal(queue_sweep_temp(q, QUEUE_MAILDROP, -10, &removed, &err), 0);
    assert_int_equal(removed, 1);
    qwriter_free(w);                               /* its file is gone already */
}

static void test_long_line_split(void **state)
{
    char *err = NULL;
    qwriter_t *w = qwriter_create(q, QUEUE_INCOMING, &err);
    struct timeval tv = {1, 0};
    size_t big = 2 * QREC_MAX_LEN + 5;
    char *line = xmalloc(big);
    char id[QUEUE_ID_SIZE];
    qfile_t *qf;
    qrecord_t rec;
    size_t total = 0;
    int partials = 0, rc;

    (void) state;
    memset(line, 'y', big);
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_sender(w, "");
    qwriter_put_rcpt(w, "a@b", NULL, NULL, 0);
    qwriter_begin_content(w);
    qwriter_put_line(w, line, big);
    qwriter_put_line(w, line, QREC_MAX_LEN);
    assert_int_equal(qwriter_commit(w, &err), 0);
    strcpy(id, qwriter_id(w));
    qwriter_free(w);
    assert_int_equal(qfile_open(q, QUEUE_INCOMING, id, QFILE_READ, &qf, &err), QFILE_OK);
    assert_int_equal(qfile_envelope(qf)->size.message_size, (long long) (big + QREC_MAX_LEN + 2));
    qfile_seek(qf, qfile_envelope(qf)->size.content_offset);
    while ((rc = qfile_next(qf, &rec, &err)) == 1) {
        assert_true(rec.len <= QREC_MAX_LEN);
        partials += rec.type == QREC_PARTIAL;
        if (rec.type == QREC_LINE || rec.type == QREC_PARTIAL)
            total += rec.len;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(partials, 2);
    assert_int_equal(total, big + QREC_MAX_LEN);
    qfile_close(qf);
    assert_int_equal(queue_remove(q, QUEUE_INCOMING, id, true, &err), 1);
    xfree(line);
}

static void test_envelope_too_long_is_an_error(void **state)
{
    char *err = NULL;
    qwriter_t *w = qwriter_create(q, QUEUE_INCOMING, &err);
    struct timeval tv = {1, 0};
    char *huge = xmalloc(QREC_MAX_LEN + 2);

    (void) state;
    memset(huge, 'a', QREC_MAX_LEN + 1);
    huge[QREC_MAX_LEN + 1] = '\0';
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_sender(w, huge);
    assert_int_equal(qwriter_commit(w, &err), -1);
    assert_non_null(strstr(err, "QREC_MAX_LEN"));
    xfree(err);
    qwriter_free(w);
    xfree(huge);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_truncation_at_every_offset),
        cmocka_unit_test(test_hand_built_file_is_valid),
        cmocka_unit_test(test_bogus_lengths),
        cmocka_unit_test(test_record_types),
        cmocka_unit_test(test_size_record_checks),
        cmocka_unit_test(test_mark_done_persists),
        cmocka_unit_test(test_group_commit),
        cmocka_unit_test(test_abort_leaves_nothing),
        cmocka_unit_test(test_crashed_writer_invisible_and_swept),
        cmocka_unit_test(test_long_line_split),
        cmocka_unit_test(test_envelope_too_long_is_an_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
