/* bench_commit.c - timing program (not a test): the cost of committing N
 * queue files one by one (fsync file + fsync directory each) against one
 * group commit of N (N file fsyncs, one directory fsync).
 * Usage: queue_bench_commit [-d parent-dir] [-n batch] [-r rounds]
 * Prints the mean time per message for both ways. Creates and removes a
 * temporary queue directory under parent-dir (default /var/tmp). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qtest_util.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static qwriter_t *message(const queue_t *q)
{
    char *err = NULL;
    qwriter_t *w = qwriter_create(q, QUEUE_INCOMING, &err);
    struct timeval tv = {1700000000, 0};
    char line[78];

    if (w == NULL) {
        fprintf(stderr, "create: %s\n", err);
        exit(1);
    }
    qwriter_put_time(w, QREC_TIME, &tv);
    qwriter_put_sender(w, "sender@example.org");
    qwriter_put_rcpt(w, "rcpt@example.com", NULL, NULL, 0);
    qwriter_begin_content(w);
    memset(line, 'x', sizeof(line));
    for (int i = 0; i < 50; i++)          /* about 4 KB of content */
        qwriter_put_line(w, line, sizeof(line));
    qwriter_end_content(w);
    return w;
}

int main(int argc, char **argv)
{
    const char *parent = "/var/tmp";
    int batch = 10, rounds = 20, opt;
    char dir[256];
    double single_ms = 0, batch_ms = 0, t;

    while ((opt = getopt(argc, argv, "d:n:r:")) != -1) {
        if (opt == 'd') parent = optarg;
        else if (opt == 'n') batch = atoi(optarg);
        else if (opt == 'r') rounds = atoi(optarg);
        else { fprintf(stderr, "usage: %s [-d dir] [-n batch] [-r rounds]\n", argv[0]); return 2; }
    }
    if (batch < 1 || batch > 1000 || rounds < 1 || rounds > 1000)
        return 2;
    snprintf(dir, sizeof(dir), "%s/postern-bench.XXXXXX", parent);
    if (mkdtemp(dir) == NULL) { perror(dir); return 1; }
    char *err = NULL;
    queue_t *q = queue_new(dir, NULL, 1, &err);
    if (q == NULL || queue_layout_repair(q, getuid(), getgid(), getgid(), NULL, &err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    qwriter_t **ws = calloc((size_t) batch, sizeof(*ws));
    int *results = calloc((size_t) batch, sizeof(*results));
    char **errs = calloc((size_t) batch, sizeof(*errs));
    for (int r = 0; r < rounds; r++) {
        /* one by one */
        for (int i = 0; i < batch; i++)
            ws[i] = message(q);
        t = now_ms();
        for (int i = 0; i < batch; i++)
            if (qwriter_commit(ws[i], &err) < 0) { fprintf(stderr, "%s\n", err); return 1; }
        single_ms += now_ms() - t;
        for (int i = 0; i < batch; i++)
            qwriter_free(ws[i]);
        /* group commit */
        for (int i = 0; i < batch; i++)
            ws[i] = message(q);
        t = now_ms();
        if (qwriter_commit_batch(ws, (size_t) batch, results, errs) != (size_t) batch) {
            fprintf(stderr, "batch commit failed: %s\n", errs[0] ? errs[0] : "?");
            return 1;
        }
        batch_ms += now_ms() - t;
        for (int i = 0; i < batch; i++)
            qwriter_free(ws[i]);
    }
    printf("commit of %d messages x %d rounds in %s\n", batch, rounds, dir);
    printf("one by one:   %.3f ms per message (%d fsyncs per round)\n",
           single_ms / (batch * rounds), 2 * batch);
    printf("group commit: %.3f ms per message (%d fsyncs per round)\n",
           batch_ms / (batch * rounds), batch + 1);
    printf("speed-up: %.2fx\n", single_ms / batch_ms);
    qt_rm_rf(dir);
    queue_free(q);
    free(ws); free(results); free(errs);
    return 0;
}
