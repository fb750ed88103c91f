/* SPDX-License-Identifier: MIT */
/*
 * Live statistics of a running process over a Unix socket, read by
 * udmastat or any client (docs/telemetry.md): one thread answers
 * line-based JSON requests about channels, FIFOs and the debugfs summary.
 *
 * UDMA_TELEMETRY=1 in the environment starts it when the first device
 * registers, on the default path; UDMA_TELEMETRY=PATH (with a '/') on
 * PATH. A program may instead start and stop it itself.
 */
#ifndef UDMA_TELEMETRY_H
#define UDMA_TELEMETRY_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Starts listening on @path, or on the default path when @path is NULL:
 * $XDG_RUNTIME_DIR/udmaengine/telemetry.<pid>, or, without
 * XDG_RUNTIME_DIR, /tmp/udmaengine-<uid>/telemetry.<pid> (the directory is
 * created 0700 and must be the caller's, not open to others). The socket
 * is 0600 and is removed by udma_telemetry_stop or at exit. While it runs,
 * submits are timestamped for callback latency.
 *
 * 0, or a negative errno: -EBUSY (already running), -ENAMETOOLONG (over
 * the 107 bytes a socket path may have), -EADDRINUSE (a live socket is
 * there), -EPERM (the directory is not private to the caller), -ENODEV
 * (in a child of fork()), or what socket, bind or pthread_create failed
 * with. Each failure also prints a diagnostic.
 */
int udma_telemetry_start(const char *path);

/* Stops the thread, closes every connection and removes the socket.
 * Nothing happens when telemetry is not running. */
void udma_telemetry_stop(void);

/*
 * The path being listened on, or NULL when telemetry is not running. The
 * string stays valid until udma_telemetry_stop.
 */
const char *udma_telemetry_path(void);

#ifdef __cplusplus
}
#endif

#endif /* UDMA_TELEMETRY_H */
