/* test_queue_dir.c - the queue directory: configuration checks, paths and
 * hashing, layout creation and repair, scans across hashed subdirectories,
 * moves, removal, and the locking convention. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>

#include "qtest_util.h"

static mode_t mode_of(const char *root, const char *sub)
{
    char path[512];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", root, sub);
    if (lstat(path, &st) < 0)
        return 0;
    return st.st_mode & 07777;
}

static void test_queue_new_checks(void **state)
{
    char *err = NULL;

    (void) state;
    assert_null(queue_new("/x", NULL, 0, &err));
    xfree(err);
    assert_null(queue_new("/x", NULL, QUEUE_HASH_MAX_DEPTH + 1, &err));
    xfree(err);
    assert_null(queue_new("/x", "deferred, bogus", 1, &err));
    assert_non_null(strstr(err, "bogus"));
    xfree(err);
    assert_null(queue_new("", NULL, 1, &err));
    xfree(err);
    queue_t *q = queue_new("/x", "", 2, &err);
    assert_non_null(q);
    assert_int_equal(queue_hash_depth(q, QUEUE_DEFERRED), 0);
    queue_free(q);
}

static void test_paths(void **state)
{
    char *err = NULL;
    queue_t *q = queue_new("/var/spool/postern", NULL, 2, &err);
    buf_t path = BUF_INIT, again = BUF_INIT;
    const char *id = "3ZK8aB0bHW4Kd";

    (void) state;
    assert_int_equal(queue_path(q, QUEUE_INCOMING, id, &path, &err), 0);
    assert_string_equal(buf_str(&path), "/var/spool/postern/incoming/3ZK8aB0bHW4Kd");
    assert_int_equal(queue_path(q, QUEUE_DEFERRED, id, &path, &err), 0);
    assert_int_equal(path.len, strlen("/var/spool/postern/deferred/X/Y/3ZK8aB0bHW4Kd"));
    assert_true(strchr("0123456789ABCDEF", path.data[28]) != NULL);
    assert_int_equal(path.data[29], '/');
    assert_int_equal(queue_path(q, QUEUE_DEFERRED, id, &again, &err), 0);
    assert_string_equal(buf_str(&path), buf_str(&again));   /* deterministic */
    assert_int_equal(queue_path(q, "../etc", id, &path, &err), -1);
    xfree(err);
    assert_int_equal(queue_path(q, QUEUE_ACTIVE, "../../etc/passwd", &path, &err), -1);
    xfree(err);
    assert_int_equal(queue_path(q, QUEUE_ACTIVE, "", &path, &err), -1);
    xfree(err);
    assert_int_equal(queue_path(q, NULL, id, &path, &err), -1);
    xfree(err);
    buf_dispose(&path);
    buf_dispose(&again);
    queue_free(q);
}

static void test_layout_and_repair(void **state)
{
    char dir[256], path[512], *err = NULL;
    queue_t *q = qt_queue(dir, sizeof(dir), NULL, 1);
    int changed = -1;

    (void) state;
    assert_int_equal(mode_of(dir, "maildrop"), 01730);
    assert_int_equal(mode_of(dir, "public"), 0710);
    assert_int_equal(mode_of(dir, "private"), 0700);
    assert_int_equal(mode_of(dir, "pid"), 0755);
    assert_int_equal(mode_of(dir, "incoming"), 0700);
    assert_int_equal(mode_of(dir, "deferred/0"), 0700);
    assert_int_equal(mode_of(dir, "deferred/F"), 0700);
    assert_int_equal(mode_of(dir, "defer/A"), 0700);
    assert_int_equal(mode_of(dir, "incoming/0"), 0);        /* not hashed */
    /* a second run changes nothing */
    assert_int_equal(queue_layout_repair(q, getuid(), getgid(), getgid(), &changed, &err), 0);
    assert_int_equal(changed, 0);
    /* wrong mode and a missing directory are repaired */
    snprintf(path, sizeof(path), "%s/maildrop", dir);
    assert_int_equal(chmod(path, 0777), 0);
    snprintf(path, sizeof(path), "%s/deferred/7", dir);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(queue_layout_repair(q, getuid(), getgid(), getgid(), &changed, &err), 0);
    assert_int_equal(changed, 2);
    assert_int_equal(mode_of(dir, "maildrop"), 01730);
    assert_int_equal(mode_of(dir, "deferred/7"), 0700);
    /* something that is not a directory is refused, also a symlink */
    snprintf(path, sizeof(path), "%s/hold", dir);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(symlink("/tmp", path), 0);
    assert_int_equal(queue_layout_repair(q, getuid(), getgid(), getgid(), NULL, &err), -1);
    assert_non_null(strstr(err, "not a directory"));
    xfree(err);
    qt_rm_rf(dir);
    queue_free(q);
}

static void commit_into(const queue_t *q, const char *queue_name, char id[QUEUE_ID_SIZE])
{
    qwriter_t *w = qt_sample(q, queue_name, 1);
    char *err = NULL;

    assert_int_equal(qwriter_commit(w, &err), 0);
    strcpy(id, qwriter_id(w));
    qwriter_free(w);
}

static void test_scan_move_remove(void **state)
{
    char dir[256], ids[5][QUEUE_ID_SIZE], *err = NULL, path[600];
    queue_t *q = qt_queue(dir, sizeof(dir), "deferred", 2);
    queue_list_t list;
    buf_t where = BUF_INIT;

    (void) state;
    for (int i = 0; i < 5; i++)
        commit_into(q, QUEUE_INCOMING, ids[i]);
    /* a stray non-id file is not listed */
    snprintf(path, sizeof(path), "%s/incoming/README", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(queue_scan(q, QUEUE_INCOMING, &list, &err), 0);
    assert_int_equal(list.count, 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(list.items[i].id, ids[i]);    /* time order */
    queue_list_free(&list);
    /* incoming -> active -> deferred (hashed, depth 2) -> hold */
    assert_int_equal(queue_move(q, ids[2], QUEUE_INCOMING, QUEUE_ACTIVE, &err), 0);
    assert_int_equal(queue_move(q, ids[2], QUEUE_ACTIVE, QUEUE_DEFERRED, &err), 0);
    assert_int_equal(queue_find(q, QUEUE_DEFERRED, ids[2], &where, &err), 1);
    assert_int_equal(where.len, strlen(dir) + strlen("/deferred/X/Y/") + strlen(ids[2]));
    assert_int_equal(queue_scan(q, QUEUE_DEFERRED, &list, &err), 0);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].path, buf_str(&where));
    queue_list_free(&list);
    /* moving what is not there fails and says so */
    assert_int_equal(queue_move(q, ids[2], QUEUE_INCOMING, QUEUE_HOLD, &err), -1);
    assert_non_null(strstr(err, "no such file"));
    xfree(err);
    /* a file left at depth 1 (after a change of hash_queue_depth) is found */
    queue_t *q1 = queue_new(dir, "deferred", 1, &err);
    assert_int_equal(queue_move(q1, ids[3], QUEUE_INCOMING, QUEUE_DEFERRED, &err), 0);
    assert_int_equal(queue_scan(q, QUEUE_DEFERRED, &list, &err), 0);
    assert_int_equal(list.count, 2);
    queue_list_free(&list);
    assert_int_equal(queue_move(q, ids[3], QUEUE_DEFERRED, QUEUE_HOLD, &err), 0);
    queue_free(q1);
    /* removal */
    assert_int_equal(queue_remove(q, QUEUE_HOLD, ids[3], true, &err), 1);
    assert_int_equal(queue_remove(q, QUEUE_HOLD, ids[3], true, &err), 0);
    assert_int_equal(queue_remove(q, QUEUE_HOLD, "../x", true, &err), -1);
    xfree(err);
    assert_int_equal(queue_scan(q, "nonsense", &list, &err), -1);
    xfree(err);
    buf_dispose(&where);
    qt_rm_rf(dir);
    queue_free(q);
}

static void test_locking_convention(void **state)
{
    char dir[256], id[QUEUE_ID_SIZE], *err = NULL;
    queue_t *q = qt_queue(dir, sizeof(dir), NULL, 1);
    buf_t path = BUF_INIT;
    int agent1, agent2, postsuper;

    (void) state;
    commit_into(q, QUEUE_ACTIVE, id);
    assert_int_equal(queue_path(q, QUEUE_ACTIVE, id, &path, &err), 0);
    agent1 = open(buf_str(&path), O_RDWR);
    agent2 = open(buf_str(&path), O_RDONLY);
    postsuper = open(buf_str(&path), O_RDWR);
    assert_true(agent1 >= 0 && agent2 >= 0 && postsuper >= 0);
    /* two delivery agents share the file; postsuper must wait */
    assert_int_equal(queue_lock(agent1, QUEUE_LOCK_SHARED, false, &err), 0);
    assert_int_equal(queue_lock(agent2, QUEUE_LOCK_SHARED, false, &err), 0);
    assert_int_equal(queue_lock(postsuper, QUEUE_LOCK_EXCLUSIVE, false, &err), 1);
    assert_int_equal(close(agent2), 0);
    assert_int_equal(queue_lock(postsuper, QUEUE_LOCK_EXCLUSIVE, false, &err), 1);
    assert_int_equal(queue_lock(agent1, QUEUE_LOCK_NONE, false, &err), 0);
    assert_int_equal(queue_lock(postsuper, QUEUE_LOCK_EXCLUSIVE, false, &err), 0);
    /* and now an agent is the one kept out */
    agent2 = open(buf_str(&path), O_RDONLY);
    assert_int_equal(queue_lock(agent2, QUEUE_LOCK_SHARED, false, &err), 1);
    assert_int_equal(close(agent1), 0);
    assert_int_equal(close(agent2), 0);
    assert_int_equal(close(postsuper), 0);
    buf_dispose(&path);
    qt_rm_rf(dir);
    queue_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_new_checks),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_layout_and_repair),
        cmocka_unit_test(test_scan_move_remove),
        cmocka_unit_test(test_locking_convention),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
