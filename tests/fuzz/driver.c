/* driver.c - stand-alone runner for fuzz targets when libFuzzer is not used.
 * Usage: fuzz_NAME [corpus-dir-or-file...]
 * Replays every seed file, then a bounded number of deterministic
 * mutations of the seeds (bit flips, truncations, splices, byte runs), so
 * the gcc build exercises the same targets under the normal test run.
 * POSTERN_FUZZ_ITERATIONS overrides the mutation count (default 20000). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seed {
    uint8_t *data;
    size_t size;
};

static struct seed *seeds;
static size_t nseeds;

static void add_seed(const char *path)
{
    FILE *fp = fopen(path, "rb");
    struct seed s = {NULL, 0};
    size_t cap = 0;
    int c;

    if (fp == NULL)
        return;
    while ((c = getc(fp)) != EOF) {
        if (s.size == cap) {
            cap = cap ? cap * 2 : 256;
            s.data = realloc(s.data, cap);
            if (s.data == NULL)
                abort();
        }
        s.data[s.size++] = (uint8_t) c;
    }
    fclose(fp);
    seeds = realloc(seeds, (nseeds + 1) * sizeof(*seeds));
    if (seeds == NULL)
        abort();
    seeds[nseeds++] = s;
}

static void add_path(const char *path)
{
    struct stat st;
    DIR *dir;
    struct dirent *de;
    char sub[4096];

    if (stat(path, &st) < 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        add_seed(path);
        return;
    }
    if ((dir = opendir(path)) == NULL)
        return;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
        add_path(sub);
    }
    closedir(dir);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t mutate(const struct seed *a, const struct seed *b, uint8_t *out, size_t max)
{
    size_t n = a->size < max ? a->size : max;
    static const char interesting[] = "\0\r\n.:@<>\"\\{}[]/$%!\t ";

    memcpy(out, a->data, n);
    switch (rng() % 6) {
    case 0:                     /* flip bits */
        for (int i = 0; n && i < 4; i++)
            out[rng() % n] ^= (uint8_t) (1u << (rng() % 8));
        break;
    case 1:                     /* truncate */
        n = n ? rng() % n : 0;
        break;
    case 2:                     /* splice with another seed */
        if (b->size) {
            size_t at = n ? rng() % n : 0, take = rng() % b->size;
            if (at + take > max)
                take = max - at;
            memcpy(out + at, b->data + (b->size - take), take);
            n = at + take;
        }
        break;
    case 3:                     /* insert interesting bytes */
        for (int i = 0; i < 8 && n < max; i++) {
            size_t at = n ? rng() % n : 0;
            memmove(out + at + 1, out + at, n - at);
            out[at] = (uint8_t) interesting[rng() % (sizeof(interesting) - 1)];
            n++;
        }
        break;
    case 4:                     /* long run of one byte */
        {
            size_t run = rng() % 5000;
            uint8_t c = (uint8_t) interesting[rng() % (sizeof(interesting) - 1)];
            if (rng() % 2)
                c = 'A';
            if (n + run > max)
                run = max - n;
            memset(out + n, c, run);
            n += run;
        }
        break;
    default:                    /* random bytes */
        for (int i = 0; n && i < 16; i++)
            out[rng() % n] = (uint8_t) rng();
        break;
    }
    return n;
}

int main(int argc, char **argv)
{
    const char *env = getenv("POSTERN_FUZZ_ITERATIONS");
    long iterations = env ? atol(env) : 20000;
    static uint8_t buf[1 << 17];
    struct seed empty = {NULL, 0};

    for (int i = 1; i < argc; i++)
        add_path(argv[i]);
    LLVMFuzzerTestOneInput((const uint8_t *) "", 0);
    for (size_t i = 0; i < nseeds; i++)
        LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].size);
    if (nseeds == 0) {
        seeds = &empty;
        nseeds = 1;
    }
    for (long i = 0; i < iterations; i++) {
        const struct seed *a = &seeds[rng() % nseeds];
        const struct seed *b = &seeds[rng() % nseeds];
        size_t n = mutate(a, b, buf, sizeof(buf));
        /* copy into an exact-size heap block so ASan sees overreads */
        uint8_t *exact = malloc(n ? n : 1);
        if (exact == NULL)
            abort();
        memcpy(exact, buf, n);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
    }
    printf("fuzz: %zu seeds, %ld mutations, no crash\n", nseeds, iterations);
    return 0;
}
