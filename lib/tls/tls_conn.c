/* tls_conn.c - one TLS connection over a stream (see tls.h): the
 * handshake on the stream's descriptor with one deadline, the stream
 * transport that reads and writes TLS records afterwards, what was
 * negotiated (tls_info_t) and the Postfix-shaped log lines. Handshake
 * failures are returned in *err; the established line is logged here
 * because the context's loglevel decides it. */
#include "tls_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/errstr.h"
#include "util/mem.h"
#include "util/msg.h"

struct tls_conn {
    SSL *ssl;
    int fd;
    bool broken;                /* fatal error seen: no close_notify */
    tls_info_t info;
};

/* --- transport ------------------------------------------------------------ */

/* Maps an SSL_read/SSL_write failure to the stream's conventions. */
static ssize_t io_result(tls_conn_t *c, int ret)
{
    int e = SSL_get_error(c->ssl, ret);

    switch (e) {
    case SSL_ERROR_WANT_READ:
        return STREAM_IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return STREAM_IO_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        c->broken = true;
        if (errno == 0)
            errno = ECONNRESET;
        ERR_clear_error();
        return -1;
    default:
        c->broken = true;
        ERR_clear_error();
        errno = EPROTO;
        return -1;
    }
}

static ssize_t conn_read(void *ctx, void *data, size_t len)
{
    tls_conn_t *c = ctx;
    size_t n = 0;
    int ret;

    ERR_clear_error();
    errno = 0;
    ret = SSL_read_ex(c->ssl, data, len, &n);
    return ret == 1 ? (ssize_t) n : io_result(c, ret);
}

static ssize_t conn_write(void *ctx, const void *data, size_t len)
{
    tls_conn_t *c = ctx;
    size_t n = 0;
    int ret;

    ERR_clear_error();
    errno = 0;
    ret = SSL_write_ex(c->ssl, data, len, &n);
    return ret == 1 ? (ssize_t) n : io_result(c, ret);
}

static size_t conn_pending(void *ctx)
{
    tls_conn_t *c = ctx;
    int n = SSL_pending(c->ssl);

    return n > 0 ? (size_t) n : 0;
}

static void conn_free(tls_conn_t *c)
{
    SSL_free(c->ssl);
    xfree(c);
}

static void conn_close(void *ctx)
{
    tls_conn_t *c = ctx;

    /* one non-blocking attempt at close_notify; the peer may be gone */
    if (!c->broken && SSL_is_init_finished(c->ssl)) {
        ERR_clear_error();
        (void) SSL_shutdown(c->ssl);
        ERR_clear_error();
    }
    conn_free(c);
}

static const stream_transport_t tls_transport = {
    conn_read, conn_write, conn_pending, conn_close,
};

/* --- handshake ------------------------------------------------------------ */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for the descriptor; 0 ready, -1 timeout or error (*err set). */
static int wait_fd(int fd, short events, long long deadline, char **err)
{
    struct pollfd pfd = {fd, events, 0};

    for (;;) {
        int timeout = -1, n;

        if (deadline >= 0) {
            long long left = deadline - now_ms();

            if (left <= 0) {
                errstr_set(err, "timeout");
                return -1;
            }
            timeout = left > 1000000000 ? 1000000000 : (int) left;
        }
        n = poll(&pfd, 1, timeout);
        if (n > 0)
            return 0;
        if (n == 0) {
            errstr_set(err, "timeout");
            return -1;
        }
        if (errno != EINTR)
            return errstr_errno(err, errno, "poll");
    }
}

static void handshake_error(tls_conn_t *c, int ret, char **err)
{
    int e = SSL_get_error(c->ssl, ret);

    c->broken = true;
    if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
        if (errno == 0)
            errstr_set(err, "lost connection");
        else
            errstr_errno(err, errno, "I/O error");
        return;
    }
    if (e == SSL_ERROR_ZERO_RETURN) {
        errstr_set(err, "lost connection");
        return;
    }
    tls_error(err, "handshake failed");
}

static int handshake(tls_conn_t *c, int timeout_ms, char **err)
{
    long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

    for (;;) {
        int ret, e;

        ERR_clear_error();
        errno = 0;
        ret = SSL_do_handshake(c->ssl);
        if (ret == 1)
            return 0;
        e = SSL_get_error(c->ssl, ret);
        if (e == SSL_ERROR_WANT_READ) {
            if (wait_fd(c->fd, POLLIN, deadline, err) < 0)
                return -1;
        } else if (e == SSL_ERROR_WANT_WRITE) {
            if (wait_fd(c->fd, POLLOUT, deadline, err) < 0)
                return -1;
        } else {
            handshake_error(c, ret, err);
            return -1;
        }
    }
}

/* --- what was negotiated ---------------------------------------------------- */

static void name_cn(const X509_NAME *name, char *out, size_t size)
{
    int idx = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    const ASN1_STRING *data;
    int len;

    out[0] = 0;
    if (idx < 0)
        return;
    data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    len = ASN1_STRING_length(data);
    if (len <= 0)
        return;
    if ((size_t) len >= size)
        len = (int) size - 1;
    memcpy(out, ASN1_STRING_get0_data(data), (size_t) len);
    out[len] = 0;
    /* a CN is for log lines: keep it printable */
    for (char *p = out; *p; p++)
        if ((unsigned char) *p < 0x20 || (unsigned char) *p == 0x7f)
            *p = '?';
}

static void fill_info(tls_conn_t *c, bool name_checked)
{
    tls_info_t *info = &c->info;
    const SSL_CIPHER *cipher = SSL_get_current_cipher(c->ssl);
    X509 *peer = SSL_get1_peer_certificate(c->ssl);

    snprintf(info->protocol, sizeof(info->protocol), "%s", SSL_get_version(c->ssl));
    snprintf(info->cipher, sizeof(info->cipher), "%s",
             cipher ? SSL_CIPHER_get_name(cipher) : "unknown");
    info->cipher_bits = cipher ? SSL_CIPHER_get_bits(cipher, &info->cipher_alg_bits) : 0;
    info->reused = SSL_session_reused(c->ssl) == 1;
    info->peer_cert = peer != NULL;
    info->peer_trusted = peer != NULL && SSL_get_verify_result(c->ssl) == X509_V_OK;
    info->peer_verified = info->peer_trusted && name_checked;
    if (peer) {
        name_cn(X509_get_subject_name(peer), info->peer_subject_cn, sizeof(info->peer_subject_cn));
        name_cn(X509_get_issuer_name(peer), info->peer_issuer_cn, sizeof(info->peer_issuer_cn));
        X509_free(peer);
    }
}

void tls_info_describe(const tls_info_t *info, buf_t *out)
{
    buf_printf(out, "%s with cipher %s (%d/%d bits)", info->protocol, info->cipher,
               info->cipher_bits, info->cipher_alg_bits);
}

const tls_info_t *tls_conn_info(const tls_conn_t *conn)
{
    return &conn->info;
}

static const char *trust_word(const tls_info_t *info)
{
    if (!info->peer_cert)
        return "Anonymous";
    if (info->peer_verified)
        return "Verified";
    return info->peer_trusted ? "Trusted" : "Untrusted";
}

/* --- starting ---------------------------------------------------------------- */

static tls_conn_t *conn_new(tls_ctx_t *ctx, stream_t *st, char **err)
{
    tls_conn_t *c;
    int fd = stream_fd(st);
    int flags;

    if (fd < 0) {
        errstr_set(err, "TLS needs a stream over a descriptor");
        return NULL;
    }
    if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        errstr_errno(err, errno, "set non-blocking mode");
        return NULL;
    }
    c = xcalloc(1, sizeof(*c));
    c->fd = fd;
    ERR_clear_error();
    if ((c->ssl = SSL_new(ctx->ssl_ctx)) == NULL || SSL_set_fd(c->ssl, fd) != 1) {
        tls_error(err, "cannot create TLS connection");
        conn_free(c);
        return NULL;
    }
    return c;
}

/* Runs the handshake and installs the transport; frees c on failure. */
static tls_conn_t *finish_start(tls_conn_t *c, stream_t *st, bool name_checked, char **err)
{
    if (handshake(c, stream_read_timeout(st), err) < 0) {
        conn_free(c);
        return NULL;
    }
    fill_info(c, name_checked);
    stream_set_transport(st, &tls_transport, c, STREAM_DISCARD_INPUT | STREAM_CLOSE_OLD);
    return c;
}

tls_conn_t *tls_server_start(tls_ctx_t *ctx, stream_t *st, const char *peer_name,
                             const char *peer_addr, char **err)
{
    tls_conn_t *c;
    buf_t text = BUF_INIT;

    if (!ctx->server) {
        errstr_set(err, "not a server TLS context");
        return NULL;
    }
    if (ctx->loglevel >= 2)
        msg_info("setting up TLS connection from %s[%s]", peer_name, peer_addr);
    (void) stream_discard_input(st);
    if ((c = conn_new(ctx, st, err)) == NULL)
        return NULL;
    SSL_set_accept_state(c->ssl);
    if ((c = finish_start(c, st, false, err)) == NULL)
        return NULL;
    if (ctx->loglevel >= 1) {
        tls_info_describe(&c->info, &text);
        msg_info("%s TLS connection established from %s[%s]: %s", trust_word(&c->info),
                 peer_name, peer_addr, text.data);
    }
    if (ctx->loglevel >= 2 && c->info.reused)
        msg_info("%s[%s]: Reusing old session", peer_name, peer_addr);
    buf_dispose(&text);
    return c;
}

static int client_setup(tls_ctx_t *ctx, tls_conn_t *c, const tls_client_args_t *a, char **err)
{
    const struct tls_proto_cipher *pc =
        a->level == TLS_LEV_MAY ? &ctx->opportunistic : &ctx->mandatory;
    bool verify = a->level == TLS_LEV_VERIFY || a->level == TLS_LEV_SECURE;

    if (tls_apply_protocols(c->ssl, pc->protocols) < 0
        || SSL_set_cipher_list(c->ssl, pc->cipherlist) != 1) {
        tls_error(err, "cannot set TLS protocols or ciphers");
        return -1;
    }
    if (a->sni && *a->sni && SSL_set_tlsext_host_name(c->ssl, a->sni) != 1) {
        tls_error(err, "cannot set server name indication");
        return -1;
    }
    if (verify) {
        X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
        const char *const *names = a->match_names;
        const char *const host_only[] = {a->host, NULL};

        if (names == NULL)
            names = host_only;
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (names[0] == NULL || X509_VERIFY_PARAM_set1_host(param, names[0], 0) != 1) {
            errstr_set(err, "no name to verify the server certificate against");
            return -1;
        }
        for (size_t i = 1; names[i]; i++)
            if (X509_VERIFY_PARAM_add1_host(param, names[i], 0) != 1) {
                tls_error(err, "cannot add a certificate match name");
                return -1;
            }
        SSL_set_verify(c->ssl, SSL_VERIFY_PEER, NULL);
    } else {
        SSL_set_verify(c->ssl, SSL_VERIFY_NONE, NULL);
    }
    return 0;
}

tls_conn_t *tls_client_start(tls_ctx_t *ctx, stream_t *st, const tls_client_args_t *args,
                             char **err)
{
    tls_conn_t *c;
    buf_t text = BUF_INIT;
    const char *host = args->host ? args->host : "unknown";
    const char *addr = args->addr ? args->addr : "unknown";

    if (ctx->server) {
        errstr_set(err, "not a client TLS context");
        return NULL;
    }
    if (args->level == TLS_LEV_NONE) {
        errstr_set(err, "TLS security level \"none\" does not start TLS");
        return NULL;
    }
    if (ctx->loglevel >= 2)
        msg_info("setting up TLS connection to %s[%s]:%u", host, addr, args->port);
    if ((c = conn_new(ctx, st, err)) == NULL)
        return NULL;
    SSL_set_connect_state(c->ssl);
    if (client_setup(ctx, c, args, err) < 0) {
        conn_free(c);
        return NULL;
    }
    c = finish_start(c, st, args->level >= TLS_LEV_VERIFY, err);
    if (c == NULL)
        return NULL;
    if (ctx->loglevel >= 1) {
        tls_info_describe(&c->info, &text);
        msg_info("%s TLS connection established to %s[%s]:%u: %s", trust_word(&c->info),
                 host, addr, args->port, text.data);
    }
    buf_dispose(&text);
    return c;
}
