/* fuzz_dict_regexp.c - fuzz target for regexp: table files (POSIX
 * back-end). Inputs with counted repetition or back-references are
 * skipped: glibc's regcomp/regexec can take exponential time or memory on
 * them, which is a property of the library, not of our parser. So are
 * stacked repetition operators ("a++++", "(.)+*") and long runs of
 * quantifiers: glibc compiles them into state machines that grow
 * exponentially (over 1 GB seen), so such inputs are skipped too. Tables
 * are trusted configuration; what is fuzzed is the table grammar. */
#include "fuzz_dict_regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_quantifier(uint8_t c)
{
    return c == '*' || c == '+' || c == '?' || c == '{';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t quantifiers = 0;

    for (size_t i = 0; i + 1 < size; i++) {
        if ((data[i] == '{' || data[i] == '\\') && data[i + 1] >= '0' && data[i + 1] <= '9')
            return 0;
        if (is_quantifier(data[i]) && is_quantifier(data[i + 1]))
            return 0;
    }
    for (size_t i = 0; i < size; i++)
        if (is_quantifier(data[i]) && ++quantifiers > 12)
            return 0;
    fuzz_regex_table("regexp", &regexp_posix_backend, data, size);
    return 0;
}
