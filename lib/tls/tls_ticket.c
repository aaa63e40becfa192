/* tls_ticket.c - session ticket keys shared by every server process
 * (see tls.h): the key file is read, or created when missing (written
 * to a temporary name with mode 0600, then linked into place, so that
 * processes starting together agree on one key), and the OpenSSL ticket
 * callback encrypts tickets with AES-256-CBC and authenticates them with
 * HMAC-SHA256. A missing or unusable file gives a per-process random key
 * and a warning for the caller. */
#include "tls_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/errstr.h"
#include "util/mem.h"

static void key_from_bytes(const unsigned char *bytes, struct tls_ticket_key *key)
{
    memcpy(key->name, bytes, TLS_TICKET_NAME_LEN);
    memcpy(key->aes, bytes + TLS_TICKET_NAME_LEN, TLS_TICKET_AES_LEN);
    memcpy(key->hmac, bytes + TLS_TICKET_NAME_LEN + TLS_TICKET_AES_LEN, TLS_TICKET_HMAC_LEN);
}

/* 1: read, 0: the file does not exist, -1: error. */
static int read_key_file(const char *path, unsigned char *bytes, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t n;
    char extra;

    if (fd < 0)
        return errno == ENOENT ? 0 : errstr_errno(err, errno, "open %s", path);
    n = read(fd, bytes, TLS_TICKET_KEY_LEN);
    if (n == TLS_TICKET_KEY_LEN && read(fd, &extra, 1) == 0) {
        close(fd);
        return 1;
    }
    close(fd);
    if (n < 0)
        return errstr_errno(err, errno, "read %s", path);
    errstr_set(err, "%s: not a ticket key file (want exactly %d bytes)", path,
               TLS_TICKET_KEY_LEN);
    return -1;
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t) n;
    }
    return 0;
}

/* Creates the file with fresh random bytes. 1: created, 0: somebody else
 * created it first (read theirs), -1: error. */
static int create_key_file(const char *path, unsigned char *bytes, char **err)
{
    char tmp[4096];
    int fd, rc;

    if ((size_t) snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long) getpid()) >= sizeof(tmp)) {
        errstr_set(err, "ticket key file name too long");
        return -1;
    }
    if (RAND_bytes(bytes, TLS_TICKET_KEY_LEN) != 1) {
        tls_error(err, "random ticket key");
        return -1;
    }
    (void) unlink(tmp);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
        return errstr_errno(err, errno, "create %s", tmp);
    if (write_all(fd, bytes, TLS_TICKET_KEY_LEN) < 0 || fsync(fd) < 0) {
        rc = errstr_errno(err, errno, "write %s", tmp);
        close(fd);
        (void) unlink(tmp);
        return rc;
    }
    close(fd);
    rc = link(tmp, path);
    if (rc < 0 && errno != EEXIST) {
        rc = errstr_errno(err, errno, "link %s to %s", tmp, path);
        (void) unlink(tmp);
        return rc;
    }
    (void) unlink(tmp);
    return rc == 0 ? 1 : 0;
}

static int key_file_bytes(const char *path, unsigned char *bytes, char **err)
{
    int rc = read_key_file(path, bytes, err);

    if (rc != 0)
        return rc < 0 ? -1 : 0;
    rc = create_key_file(path, bytes, err);
    if (rc < 0)
        return -1;
    if (rc == 0 && read_key_file(path, bytes, err) != 1) {
        if (*err == NULL)
            errstr_set(err, "%s vanished while it was being created", path);
        return -1;
    }
    return 0;
}

int tls_ticket_key_load(const char *path, struct tls_ticket_key *key, char **warning)
{
    unsigned char bytes[TLS_TICKET_KEY_LEN];
    char *err = NULL;

    *warning = NULL;
    if (path && *path && key_file_bytes(path, bytes, &err) == 0) {
        key_from_bytes(bytes, key);
        OPENSSL_cleanse(bytes, sizeof(bytes));
        return 0;
    }
    if (path == NULL || *path == 0)
        errstr_set(warning, "no TLS session ticket key file: sessions resume only within one process");
    else
        errstr_set(warning, "%s; TLS sessions resume only within one process", err);
    xfree(err);
    if (RAND_bytes(bytes, sizeof(bytes)) != 1)
        memset(bytes, 0, sizeof(bytes));
    key_from_bytes(bytes, key);
    OPENSSL_cleanse(bytes, sizeof(bytes));
    return -1;
}

static int set_mac_key(EVP_MAC_CTX *hctx, const struct tls_ticket_key *key)
{
    OSSL_PARAM params[3];

    params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, (void *) key->hmac,
                                                  sizeof(key->hmac));
    params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *) "SHA256", 0);
    params[2] = OSSL_PARAM_construct_end();
    return EVP_MAC_CTX_set_params(hctx, params) == 1 ? 0 : -1;
}

/* OpenSSL's contract: 1 success, 0 unknown key (full handshake), -1
 * error. For encryption, fill in the key name and a fresh IV. */
static int ticket_callback(SSL *ssl, unsigned char key_name[16], unsigned char *iv,
                           EVP_CIPHER_CTX *ectx, EVP_MAC_CTX *hctx, int enc)
{
    const tls_ctx_t *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    const struct tls_ticket_key *key = &ctx->ticket;
    const EVP_CIPHER *cipher = EVP_aes_256_cbc();
    int iv_len = EVP_CIPHER_get_iv_length(cipher);

    if (enc) {
        memcpy(key_name, key->name, TLS_TICKET_NAME_LEN);
        if (RAND_bytes(iv, iv_len) != 1
            || EVP_EncryptInit_ex(ectx, cipher, NULL, key->aes, iv) != 1
            || set_mac_key(hctx, key) < 0)
            return -1;
        return 1;
    }
    if (memcmp(key_name, key->name, TLS_TICKET_NAME_LEN) != 0)
        return 0;
    if (set_mac_key(hctx, key) < 0 || EVP_DecryptInit_ex(ectx, cipher, NULL, key->aes, iv) != 1)
        return -1;
    return 1;
}

void tls_ticket_install(tls_ctx_t *ctx, long timeout)
{
    SSL_CTX_set_timeout(ctx->ssl_ctx, timeout);
    SSL_CTX_set_num_tickets(ctx->ssl_ctx, 1);
    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx->ssl_ctx, ticket_callback);
}
