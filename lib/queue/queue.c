/* queue.c - queue_t: the queue directory, its queue names and the path of
 * a queue file (hashed subdirectories). Fails through char **err. */
#include "queue/queue.h"
#include "queue/qfs.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <stdint.h>
#include <string.h>

struct queue {
    char *root;
    int depth;
    char **hashed;              /* NULL-terminated queue names */
};

static const char *const message_queues[] = {
    QUEUE_MAILDROP, QUEUE_INCOMING, QUEUE_ACTIVE, QUEUE_DEFERRED,
    QUEUE_HOLD, QUEUE_CORRUPT, QUEUE_BOUNCE, QUEUE_DEFER, QUEUE_TRACE, NULL,
};

bool queue_name_valid(const char *name)
{
    for (int i = 0; name != NULL && message_queues[i] != NULL; i++)
        if (strcmp(name, message_queues[i]) == 0)
            return true;
    return false;
}

static void free_names(char **names)
{
    for (size_t i = 0; names != NULL && names[i] != NULL; i++)
        xfree(names[i]);
    xfree(names);
}

/* Splits hash_queue_names; unknown names are an error (a typo would
 * otherwise silently turn hashing off for that queue). */
static char **parse_hash_names(const char *text, char **err)
{
    char *copy = xstrdup(text), *cursor = copy, *word;
    char **names = xcalloc(1, sizeof(*names));
    size_t n = 0;

    while ((word = str_token(&cursor, ", \t\r\n")) != NULL) {
        if (!queue_name_valid(word)) {
            qfs_err(err, "hash_queue_names: unknown queue name \"%s\"", word);
            free_names(names);
            xfree(copy);
            return NULL;
        }
        names = xreallocarray(names, n + 2, sizeof(*names));
        names[n++] = xstrdup(word);
        names[n] = NULL;
    }
    xfree(copy);
    return names;
}

queue_t *queue_new(const char *root, const char *hash_names, int depth,
                   char **err)
{
    queue_t *q;
    char **names;

    if (root == NULL || root[0] == '\0') {
        qfs_err(err, "queue_directory is empty");
        return NULL;
    }
    if (depth < 1 || depth > QUEUE_HASH_MAX_DEPTH) {
        qfs_err(err, "hash_queue_depth %d: must be 1..%d", depth,
                QUEUE_HASH_MAX_DEPTH);
        return NULL;
    }
    names = parse_hash_names(hash_names ? hash_names : QUEUE_DEFAULT_HASH_NAMES, err);
    if (names == NULL)
        return NULL;
    q = xcalloc(1, sizeof(*q));
    q->root = xstrdup(root);
    q->depth = depth;
    q->hashed = names;
    return q;
}

void queue_free(queue_t *q)
{
    if (q == NULL)
        return;
    free_names(q->hashed);
    xfree(q->root);
    xfree(q);
}

const char *queue_root(const queue_t *q)
{
    return q->root;
}

int queue_hash_depth(const queue_t *q, const char *queue_name)
{
    for (size_t i = 0; q->hashed[i] != NULL; i++)
        if (strcmp(q->hashed[i], queue_name) == 0)
            return q->depth;
    return 0;
}

static uint32_t id_hash(const char *id)
{
    uint32_t h = 2166136261u;

    for (; *id; id++) {
        h ^= (unsigned char) *id;
        h *= 16777619u;
    }
    return h;
}

int queue_dir_of(const queue_t *q, const char *queue_name, const char *id,
                 buf_t *out, char **err)
{
    int depth;
    uint32_t h;

    if (!queue_name_valid(queue_name))
        return qfs_err(err, "invalid queue name \"%s\"", queue_name ? queue_name : "(null)");
    if (!queue_id_valid(id))
        return qfs_err(err, "invalid queue id");
    depth = queue_hash_depth(q, queue_name);
    h = id_hash(id);
    buf_reset(out);
    buf_printf(out, "%s/%s", q->root, queue_name);
    for (int i = 0; i < depth; i++)
        buf_printf(out, "/%X", (unsigned) (h >> (28 - 4 * i)) & 0xF);
    return 0;
}

int queue_path(const queue_t *q, const char *queue_name, const char *id,
               buf_t *out, char **err)
{
    if (queue_dir_of(q, queue_name, id, out, err) < 0)
        return -1;
    buf_printf(out, "/%s", id);
    return 0;
}
