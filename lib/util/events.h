/* events.h - a small poll(2)-based event loop: callbacks for readable and
 * writable descriptors, and one-shot timers. Single-threaded; callbacks
 * may add and remove events (including their own) while the loop runs.
 * Used by long-running daemons that serve many things at once (qmgr).
 * Allocation failure is fatal (mem.h); poll errors other than EINTR are
 * fatal too (a broken environment). */
#ifndef POSTERN_UTIL_EVENTS_H
#define POSTERN_UTIL_EVENTS_H

#include <stdbool.h>

typedef void (*event_fd_fn)(int fd, void *ctx);
typedef void (*event_timer_fn)(void *ctx);

/* Calls fn(fd, ctx) whenever fd is readable (or at end of file/error).
 * Replaces an earlier read callback for the same fd. */
void event_read(int fd, event_fd_fn fn, void *ctx);
void event_write(int fd, event_fd_fn fn, void *ctx);
/* Forget every callback for fd (call before closing it). */
void event_remove(int fd);

/* Calls fn(ctx) once, delay_ms from now; a timer with the same fn and ctx
 * is replaced (so "wake me in N ms" can be requested repeatedly). */
void event_timer(long delay_ms, event_timer_fn fn, void *ctx);
/* Cancels the timer with this fn and ctx; returns true if there was one. */
bool event_cancel_timer(event_timer_fn fn, void *ctx);

/* Runs due timers and ready descriptors, waiting at most max_wait_ms
 * (negative: until something happens). Returns the number of callbacks
 * run. */
int event_loop_once(long max_wait_ms);
/* Number of registered descriptors and timers (for tests). */
int event_count(void);
/* Drops every registration (for tests and before exec). */
void event_reset(void);

#endif
