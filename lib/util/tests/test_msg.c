/* test_msg.c - unit tests for log line shape and the file sink. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/msg.h"

static void test_file_line_shape(void **state)
{
    char line[256];

    (void) state;
    setenv("TZ", "UTC", 1);
    tzset();
    msg_format_file_line(line, sizeof(line), 1795359207L, "mx1",
                         "postern/smtpd", 123, "connect from x[1.2.3.4]");
    assert_string_equal(line,
        "Nov 22 14:53:27 mx1 postern/smtpd[123]: connect from x[1.2.3.4]");
}

static void test_file_sink_one_line_per_message(void **state)
{
    char path[] = "/tmp/postern-msg-XXXXXX";
    int fd = mkstemp(path);
    char text[512] = "";
    FILE *fp;

    (void) state;
    assert_true(fd >= 0);
    close(fd);
    msg_init("unit", 0);
    assert_int_equal(msg_open_file(path), 0);
    msg_info("hello %s", "world");
    msg_warn("line\nbreak");
    msg_open_file(NULL);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(text, sizeof(text), fp));
    assert_non_null(strstr(text, " postern/unit["));
    assert_non_null(strstr(text, "]: hello world\n"));
    assert_non_null(fgets(text, sizeof(text), fp));
    assert_non_null(strstr(text, "]: warning: line break\n"));
    assert_null(fgets(text, sizeof(text), fp));
    fclose(fp);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_line_shape),
        cmocka_unit_test(test_file_sink_one_line_per_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
