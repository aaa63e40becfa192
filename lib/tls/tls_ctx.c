/* tls_ctx.c - server and client TLS contexts (see tls.h): certificates,
 * protocol range, cipher grade, CA locations, ticket keys. Every failure
 * is returned with OpenSSL's reason in *err; nothing is logged here. */
#include "tls_impl.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#include "config/config.h"
#include "util/errstr.h"
#include "util/mem.h"

void tls_openssl_errors(buf_t *out)
{
    unsigned long code;
    char text[256];
    bool any = false;

    while ((code = ERR_get_error()) != 0) {
        ERR_error_string_n(code, text, sizeof(text));
        buf_printf(out, "%s%s", any ? "; " : "", text);
        any = true;
    }
    if (!any)
        buf_puts(out, "unknown error");
}

void tls_error(char **err, const char *prefix)
{
    buf_t text = BUF_INIT;

    tls_openssl_errors(&text);
    errstr_set(err, "%s: %s", prefix, text.data);
    buf_dispose(&text);
}

static const struct {
    unsigned bit;
    int version;
    uint64_t no_option;
} versions[] = {
    {TLS_PROTO_TLSv1, TLS1_VERSION, SSL_OP_NO_TLSv1},
    {TLS_PROTO_TLSv1_1, TLS1_1_VERSION, SSL_OP_NO_TLSv1_1},
    {TLS_PROTO_TLSv1_2, TLS1_2_VERSION, SSL_OP_NO_TLSv1_2},
    {TLS_PROTO_TLSv1_3, TLS1_3_VERSION, SSL_OP_NO_TLSv1_3},
};

#define N_VERSIONS (sizeof(versions) / sizeof(versions[0]))

/* min, max, and SSL_OP_NO_* for the versions between them left out. */
static void protocol_limits(unsigned protocols, int *min, int *max, uint64_t *holes)
{
    *min = *max = 0;
    *holes = 0;
    for (size_t i = 0; i < N_VERSIONS; i++)
        if (protocols & versions[i].bit) {
            if (*min == 0)
                *min = versions[i].version;
            *max = versions[i].version;
        }
    for (size_t i = 0; i < N_VERSIONS; i++)
        if (!(protocols & versions[i].bit) && versions[i].version > *min
            && versions[i].version < *max)
            *holes |= versions[i].no_option;
}

int tls_apply_protocols(SSL *ssl, unsigned protocols)
{
    int min, max;
    uint64_t holes;

    protocol_limits(protocols, &min, &max, &holes);
    if (SSL_set_min_proto_version(ssl, min) != 1 || SSL_set_max_proto_version(ssl, max) != 1)
        return -1;
    SSL_set_options(ssl, holes);
    return 0;
}

static int ctx_protocols(SSL_CTX *ssl_ctx, unsigned protocols)
{
    int min, max;
    uint64_t holes;

    protocol_limits(protocols, &min, &max, &holes);
    if (SSL_CTX_set_min_proto_version(ssl_ctx, min) != 1
        || SSL_CTX_set_max_proto_version(ssl_ctx, max) != 1)
        return -1;
    SSL_CTX_set_options(ssl_ctx, holes);
    return 0;
}

static const char *empty_if_null(const char *s)
{
    return s ? s : "";
}

/* Parses a protocol list and a grade into bits and an OpenSSL list. */
static int parse_proto_cipher(const char *protocols, const char *grade_text,
                              const char *high, const char *medium, const char *null_list,
                              struct tls_proto_cipher *out, char **err)
{
    enum tls_cipher_grade grade;
    const char *list;

    if (tls_protocols_parse(empty_if_null(protocols), &out->protocols, err) < 0)
        return -1;
    if (tls_cipher_grade_parse(empty_if_null(grade_text), &grade, err) < 0)
        return -1;
    list = grade == TLS_GRADE_HIGH ? high : grade == TLS_GRADE_MEDIUM ? medium : null_list;
    if (list == NULL || *list == 0) {
        errstr_set(err, "empty cipher list for TLS cipher grade \"%s\"", grade_text);
        return -1;
    }
    out->cipherlist = xstrdup(list);
    return 0;
}

static tls_ctx_t *ctx_alloc(bool server, int loglevel, char **err)
{
    tls_ctx_t *ctx = xcalloc(1, sizeof(*ctx));

    ctx->server = server;
    ctx->loglevel = loglevel;
    ctx->ssl_ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (ctx->ssl_ctx == NULL) {
        tls_error(err, "cannot create TLS context");
        xfree(ctx);
        return NULL;
    }
    /* a peer closing the TCP connection without close_notify is end of
     * input, not an error (SMTP has its own end: QUIT) */
    SSL_CTX_set_options(ctx->ssl_ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION
                        | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx->ssl_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                     | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_app_data(ctx->ssl_ctx, ctx);
    return ctx;
}

void tls_ctx_free(tls_ctx_t *ctx)
{
    if (ctx == NULL)
        return;
    SSL_CTX_free(ctx->ssl_ctx);
    xfree(ctx->opportunistic.cipherlist);
    xfree(ctx->mandatory.cipherlist);
    OPENSSL_cleanse(&ctx->ticket, sizeof(ctx->ticket));
    xfree(ctx);
}

int tls_ctx_loglevel(const tls_ctx_t *ctx)
{
    return ctx->loglevel;
}

/* One chain file: private key, then its certificate, then the chain. */
static int load_chain_file(SSL_CTX *ssl_ctx, const char *path, char **err)
{
    BIO *bio = BIO_new_file(path, "r");
    EVP_PKEY *key = NULL;
    X509 *leaf = NULL, *extra;
    STACK_OF(X509) *chain = sk_X509_new_null();
    int rc = -1;

    if (bio == NULL || chain == NULL) {
        tls_error(err, path);
        goto out;
    }
    if ((key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL
        || (leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
        tls_error(err, path);
        goto out;
    }
    while ((extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        if (!sk_X509_push(chain, extra)) {
            X509_free(extra);
            tls_error(err, path);
            goto out;
        }
    ERR_clear_error();          /* the end of the file ends the loop */
    if (SSL_CTX_use_cert_and_key(ssl_ctx, leaf, key, chain, 1) != 1) {
        tls_error(err, path);
        goto out;
    }
    rc = 0;
out:
    EVP_PKEY_free(key);
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    BIO_free(bio);
    return rc;
}

static int load_certificates(SSL_CTX *ssl_ctx, const tls_server_params_t *p, char **err)
{
    const char *key_file;

    if (p->chain_files && *p->chain_files) {
        char **files = cfg_split_list(p->chain_files);
        int rc = 0;

        for (char **f = files; rc == 0 && *f; f++)
            rc = load_chain_file(ssl_ctx, *f, err);
        cfg_list_free(files);
        return rc;
    }
    if (p->cert_file == NULL || *p->cert_file == 0) {
        errstr_set(err, "no server certificate (smtpd_tls_cert_file or smtpd_tls_chain_files)");
        return -1;
    }
    key_file = p->key_file && *p->key_file ? p->key_file : p->cert_file;
    if (SSL_CTX_use_certificate_chain_file(ssl_ctx, p->cert_file) != 1) {
        tls_error(err, p->cert_file);
        return -1;
    }
    if (SSL_CTX_use_PrivateKey_file(ssl_ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        tls_error(err, key_file);
        return -1;
    }
    if (SSL_CTX_check_private_key(ssl_ctx) != 1) {
        tls_error(err, key_file);
        return -1;
    }
    return 0;
}

tls_ctx_t *tls_server_ctx_new(const tls_server_params_t *p, char **warning, char **err)
{
    static const unsigned char sid_ctx[] = "postern";
    tls_ctx_t *ctx;

    if (warning)
        *warning = NULL;
    if ((ctx = ctx_alloc(true, p->loglevel, err)) == NULL)
        return NULL;
    if (parse_proto_cipher(p->protocols, p->cipher_grade, p->high_cipherlist,
                           p->medium_cipherlist, p->null_cipherlist, &ctx->mandatory, err) < 0)
        goto fail;
    if (ctx_protocols(ctx->ssl_ctx, ctx->mandatory.protocols) < 0) {
        tls_error(err, "cannot set TLS protocol range");
        goto fail;
    }
    if (SSL_CTX_set_cipher_list(ctx->ssl_ctx, ctx->mandatory.cipherlist) != 1) {
        tls_error(err, "invalid cipher list");
        goto fail;
    }
    if (load_certificates(ctx->ssl_ctx, p, err) < 0)
        goto fail;
    SSL_CTX_set_dh_auto(ctx->ssl_ctx, 1);
    SSL_CTX_set_options(ctx->ssl_ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_id_context(ctx->ssl_ctx, sid_ctx, sizeof(sid_ctx) - 1);
    /* one client per process: no server-side cache, stateless tickets */
    SSL_CTX_set_session_cache_mode(ctx->ssl_ctx, SSL_SESS_CACHE_OFF);
    if (p->session_timeout > 0) {
        char *note = NULL;

        if (tls_ticket_key_load(p->ticket_key_file, &ctx->ticket, &note) < 0 && warning)
            *warning = note;
        else
            xfree(note);
        tls_ticket_install(ctx, p->session_timeout);
    } else {
        SSL_CTX_set_options(ctx->ssl_ctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(ctx->ssl_ctx, 0);
    }
    return ctx;
fail:
    tls_ctx_free(ctx);
    return NULL;
}

tls_ctx_t *tls_client_ctx_new(const tls_client_params_t *p, char **err)
{
    const char *file = p->CAfile && *p->CAfile ? p->CAfile : NULL;
    const char *dir = p->CApath && *p->CApath ? p->CApath : NULL;
    tls_ctx_t *ctx;

    if ((ctx = ctx_alloc(false, p->loglevel, err)) == NULL)
        return NULL;
    if (parse_proto_cipher(p->protocols, p->cipher_grade, p->high_cipherlist,
                           p->medium_cipherlist, p->null_cipherlist, &ctx->opportunistic, err) < 0
        || parse_proto_cipher(p->mandatory_protocols, p->mandatory_cipher_grade,
                              p->high_cipherlist, p->medium_cipherlist, p->null_cipherlist,
                              &ctx->mandatory, err) < 0)
        goto fail;
    /* the range is set per connection (it depends on the level) */
    if (SSL_CTX_set_min_proto_version(ctx->ssl_ctx, TLS1_VERSION) != 1) {
        tls_error(err, "cannot set TLS protocol range");
        goto fail;
    }
    if ((file || dir) && SSL_CTX_load_verify_locations(ctx->ssl_ctx, file, dir) != 1) {
        tls_error(err, file ? file : dir);
        goto fail;
    }
    SSL_CTX_set_session_cache_mode(ctx->ssl_ctx, SSL_SESS_CACHE_OFF);
    return ctx;
fail:
    tls_ctx_free(ctx);
    return NULL;
}
