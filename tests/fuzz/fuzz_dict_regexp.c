/* fuzz_dict_regexp.c - fuzz target for regexp: table files (POSIX
 * back-end). Inputs with counted repetition or back-references are
 * skipped: glibc's regcomp/regexec can take exponential time or memory on
 * them, which is a property of the library, not of our parser. */
#include "fuzz_dict_regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 1 < size; i++)
        if ((data[i] == '{' || data[i] == '\\') && data[i + 1] >= '0' && data[i + 1] <= '9')
            return 0;
    fuzz_regex_table("regexp", &regexp_posix_backend, data, size);
    return 0;
}
