/* showq_print.c - print the queue listing as postqueue -p (mailq) and as
 * postqueue -j (JSON lines). Output goes to a stdio stream; the caller
 * checks it for write errors. */
#include "showq.h"

#include <string.h>
#include <time.h>

#define ID_COLUMN 17            /* id + status mark, left-aligned */
#define RCPT_INDENT 47          /* recipients line up under the sender */
#define REASON_END 76           /* "(reason)" ends at column 78 */

static const char *status_mark(const char *queue_name)
{
    if (strcmp(queue_name, QUEUE_ACTIVE) == 0)
        return "*";
    if (strcmp(queue_name, QUEUE_HOLD) == 0)
        return "!";
    return "";
}

static const char *sender_text(const char *sender)
{
    return sender[0] ? sender : "MAILER-DAEMON";
}

static void print_one(FILE *fp, const showq_msg_t *m)
{
    char id[QUEUE_ID_SIZE + 2], when[32];
    time_t t = (time_t) m->arrival;
    struct tm tm;
    const char *prev = NULL;

    snprintf(id, sizeof(id), "%s%s", m->id, status_mark(m->queue_name));
    if (localtime_r(&t, &tm) == NULL || strftime(when, sizeof(when), "%a %b %e %H:%M:%S", &tm) == 0)
        snprintf(when, sizeof(when), "%19lld", m->arrival);
    fprintf(fp, "%-*s %8lld %19.19s %s\n", ID_COLUMN, id, m->size, when, sender_text(m->sender));
    for (size_t i = 0; i < m->rcpt_count; i++) {
        const char *reason = m->rcpts[i].reason;
        if (reason != NULL && (prev == NULL || strcmp(prev, reason) != 0)) {
            int pad = REASON_END - (int) strlen(reason);
            fprintf(fp, "%*s(%s)\n", pad > 0 ? pad : 0, "", reason);
        }
        prev = reason;
        fprintf(fp, "%*s%s\n", RCPT_INDENT, "", m->rcpts[i].address);
    }
    fputc('\n', fp);
}

void showq_print_text(FILE *fp, const showq_list_t *list)
{
    long long total = 0;

    if (list->count == 0) {
        fputs("Mail queue is empty\n", fp);
        return;
    }
    fputs("----Queue ID----- --Size-- ---Arrival Time---- --Sender/Recipient------\n", fp);
    for (size_t i = 0; i < list->count; i++) {
        print_one(fp, &list->items[i]);
        total += list->items[i].size;
    }
    fprintf(fp, "-- %lld Kbytes in %zu Request%s.\n", total / 1024, list->count,
            list->count == 1 ? "" : "s");
}

/* Length of a valid UTF-8 sequence at p (at most left bytes), 0 if invalid. */
static size_t utf8_length(const unsigned char *p, size_t left)
{
    size_t n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;

    if (n == 0 || p[0] > 0xF4 || n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((n == 3 && p[0] == 0xE0 && p[1] < 0xA0) || (n == 4 && p[0] == 0xF0 && p[1] < 0x90)
        || (n == 4 && p[0] == 0xF4 && p[1] > 0x8F) || (n == 3 && p[0] == 0xED && p[1] > 0x9F))
        return 0;               /* overlong, above U+10FFFF, or a surrogate */
    return n;
}

static void json_string(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *) s;
    size_t left = strlen(s);

    fputc('"', fp);
    while (left > 0) {
        size_t n;
        if (*p == '"' || *p == '\\') {
            fprintf(fp, "\\%c", *p);
        } else if (*p == '\n') {
            fputs("\\n", fp);
        } else if (*p == '\t') {
            fputs("\\t", fp);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(fp, "\\u%04x", *p);
        } else if (*p >= 0x80) {
            if ((n = utf8_length(p, left)) == 0) {
                fputs("\\ufffd", fp);
            } else {
                fwrite(p, 1, n, fp);
                p += n;
                left -= n;
                continue;
            }
        } else {
            fputc(*p, fp);
        }
        p++;
        left--;
    }
    fputc('"', fp);
}

void showq_print_json(FILE *fp, const showq_list_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        const showq_msg_t *m = &list->items[i];
        fputs("{\"queue_name\": ", fp);
        json_string(fp, m->queue_name);
        fputs(", \"queue_id\": ", fp);
        json_string(fp, m->id);
        fprintf(fp, ", \"arrival_time\": %lld, \"message_size\": %lld, "
                "\"forced_expire\": false, \"sender\": ", m->arrival, m->size);
        json_string(fp, sender_text(m->sender));
        fputs(", \"recipients\": [", fp);
        for (size_t j = 0; j < m->rcpt_count; j++) {
            fputs(j ? ", {\"address\": " : "{\"address\": ", fp);
            json_string(fp, m->rcpts[j].address);
            if (m->rcpts[j].reason != NULL) {
                fputs(", \"delay_reason\": ", fp);
                json_string(fp, m->rcpts[j].reason);
            }
            fputc('}', fp);
        }
        fputs("]}\n", fp);
    }
}
