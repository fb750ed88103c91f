/* SPDX-License-Identifier: MIT */
/*
 * Descriptor timelines: every prep, submit, issue, burst, completion and
 * callback as slices on the threads that ran them, linked per descriptor
 * by flow arrows, written as Chrome trace-event JSON that the Perfetto UI
 * (ui.perfetto.dev) and chrome://tracing open. See docs/tracing.md.
 *
 * UDMA_TRACE=FILE in the environment traces the whole process (from the
 * first device registration, to exit); these calls trace a stretch of it.
 */
#ifndef UDMAENGINE_TRACE_H
#define UDMAENGINE_TRACE_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Starts recording; udma_trace_stop (or exit) writes @path. 0, -EBUSY if
 * tracing already, -EINVAL if @path is NULL or empty, or -errno if @path
 * cannot be opened for writing.
 */
int udma_trace_start(const char *path);

/* Stops recording and writes the file. 0, -EINVAL if not tracing, or
 * -errno if writing failed. */
int udma_trace_stop(void);

#ifdef __cplusplus
}
#endif

#endif /* UDMAENGINE_TRACE_H */
