/* pw_scheme.h - password schemes of a passwd-file entry, with Dovecot's
 * scheme names: checking a password against a stored hash and making a
 * new hash (postpasswd).
 *
 * Crypt schemes (CRYPT, DES-CRYPT, MD5-CRYPT, SHA256-CRYPT, SHA512-CRYPT,
 * BLF-CRYPT) are verified with libxcrypt's crypt_rn(), so any hash that
 * libxcrypt knows (yescrypt "$y$" under {CRYPT} included) is accepted
 * under any of them, as Dovecot does. PLAIN (also CLEAR, CLEARTEXT) holds
 * the password itself. Every comparison takes the same time whatever
 * bytes differ.
 *
 * Failure: pw_scheme_make() returns -1 with an allocated message in *err
 * (unknown scheme, libxcrypt refusing, no randomness). pw_verify()
 * returns 1 (match), 0 (no match) or -1 (the stored hash is unusable). */
#ifndef POSTERN_PASSDB_PW_SCHEME_H
#define POSTERN_PASSDB_PW_SCHEME_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    PW_SCHEME_NONE = 0,
    PW_SCHEME_PLAIN,
    PW_SCHEME_CRYPT,        /* any crypt(3) hash */
    PW_SCHEME_DES_CRYPT,
    PW_SCHEME_MD5_CRYPT,
    PW_SCHEME_SHA256_CRYPT,
    PW_SCHEME_SHA512_CRYPT,
    PW_SCHEME_BLF_CRYPT,
    PW_SCHEME_YESCRYPT,     /* only for making: stored as {CRYPT}$y$... */
} pw_scheme_t;

/* Scheme by name, case-insensitive (PLAIN, CLEAR, CLEARTEXT, CRYPT,
 * DES-CRYPT, MD5-CRYPT, SHA256-CRYPT, SHA512-CRYPT, BLF-CRYPT; YESCRYPT
 * only when for_making). PW_SCHEME_NONE when unknown. */
pw_scheme_t pw_scheme_by_name(const char *name, bool for_making);
/* Dovecot's name as written in front of a stored hash ("SHA512-CRYPT";
 * "CRYPT" for YESCRYPT). */
const char *pw_scheme_name(pw_scheme_t scheme);
bool pw_scheme_is_crypt(pw_scheme_t scheme);

/* Checks that a stored hash can ever match: a crypt hash libxcrypt
 * understands, or any PLAIN text. Returns 0, or -1 with *why pointing
 * at a static reason. */
int pw_hash_check(pw_scheme_t scheme, const char *hash, const char **why);

/* 1 when password matches the stored hash, 0 when not, -1 when the hash
 * cannot be used. */
int pw_verify(pw_scheme_t scheme, const char *hash, const char *password,
              size_t password_len);

/* Makes "{SCHEME}hash" for password (allocated, in *out). */
int pw_scheme_make(pw_scheme_t scheme, const char *password, char **out,
                   char **err);

/* Compares without an early exit; true when equal. */
bool pw_equal_const_time(const void *a, size_t alen, const void *b, size_t blen);

#endif
