#ifndef HUTSYNC_CSQLITESESSION_SHIM_H
#define HUTSYNC_CSQLITESESSION_SHIM_H
// The SQLite session extension (https://sqlite.org/sessionintro.html), which Debian's libsqlite3 is built with. Its
// declarations in <sqlite3.h> are behind SQLITE_ENABLE_SESSION, and GRDB imports that header on its own, so the few
// functions needed are declared here. The node's overlay undo written by versions before the undo log were inverted
// session changesets: applying one takes it back. (The tests record such a changeset with the session functions.)
#include <stdlib.h>

struct sqlite3;
struct sqlite3_session;
struct sqlite3_changeset_iter;

int sqlite3session_create(struct sqlite3 *db, const char *zDb, struct sqlite3_session **ppSession);
void sqlite3session_delete(struct sqlite3_session *pSession);
int sqlite3session_attach(struct sqlite3_session *pSession, const char *zTab);
int sqlite3session_changeset(struct sqlite3_session *pSession, int *pnChangeset, void **ppChangeset);
int sqlite3changeset_invert(int nIn, const void *pIn, int *pnOut, void **ppOut);

int sqlite3changeset_apply(
    struct sqlite3 *db, int nChangeset, void *pChangeset, int (*xFilter)(void *pCtx, const char *zTab),
    int (*xConflict)(void *pCtx, int eConflict, struct sqlite3_changeset_iter *p), void *pCtx);

int sqlite3_config(int, ...);

/// Turns off SQLite's memory statistics, which take a global mutex around every allocation (Debian's build has no
/// lookaside allocator, so apply allocates often): a fifth of SQLite's own time in apply went to that lock. Only
/// possible before SQLite initialises; returns SQLITE_MISUSE (21) after, which changes nothing.
static inline int hutsync_sqlite3_disable_memstatus(void) {
    return sqlite3_config(9 /* SQLITE_CONFIG_MEMSTATUS */, 0);
}

void sqlite3_free(void *);
static inline void hutsync_sqlite3_free(void *p) { sqlite3_free(p); }

/// Conflict handler for applying an overlay's undo: any conflict aborts (SQLITE_CHANGESET_ABORT), since the undo of
/// an exact overlay never meets one.
static inline int hutsync_changeset_abort(void *ctx, int conflict, struct sqlite3_changeset_iter *iter) {
    (void)ctx; (void)conflict; (void)iter;
    return 2;
}

/// Starts writing the dirty pages of the file open as `fd` to disk without waiting for them (Linux sync_file_range
/// with SYNC_FILE_RANGE_WRITE, which the Glibc module does not declare); 0 on success, -1 where it is not available.
/// Only a hint: what makes the file durable is the fsync that follows later.
#include <unistd.h>
#include <sys/syscall.h>
static inline int hutsync_start_writeback(int fd) {
#ifdef SYS_sync_file_range
    return (int)syscall(SYS_sync_file_range, fd, (long)0, (long)0, 2u /* SYNC_FILE_RANGE_WRITE */);
#else
    (void)fd;
    return -1;
#endif
}
#endif
