/* fuzz_dict_pcre.c - fuzz target for pcre: table files (PCRE2 back-end). */
#include "fuzz_dict_regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_regex_table("pcre", &regexp_pcre2_backend, data, size);
    return 0;
}
