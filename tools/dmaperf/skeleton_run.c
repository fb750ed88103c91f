/* SPDX-License-Identifier: MIT */
/*
 * Runs dmaperf-skeleton (built only when DPDK is installed) beside dmaperf
 * and reads its results into the table's DPDK column.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmaperf.h"

int dmaperf_skeleton(const char *argv0, const struct opts *o, struct row *rows)
{
	char *copy = strdup(argv0), path[4096], cmd[8192], line[256];
	size_t n;
	FILE *p;
	int got = 0;

	snprintf(path, sizeof(path), "%s/dmaperf-skeleton", dirname(copy));
	free(copy);
	if (access(path, X_OK)) {
		printf("DPDK skeleton column: skipped (dmaperf-skeleton not built: "
		       "scripts/install-bench-deps.sh installs DPDK; then rebuild)\n");
		return 0;
	}
	n = (size_t)snprintf(cmd, sizeof(cmd), "%s ", path);
	for (int i = 0; i < o->nsizes; i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "%s%zu", i ? "," : "", o->sizes[i]);
	snprintf(cmd + n, sizeof(cmd) - n, " %zu %u %u %u %d", o->ws, o->time_ms, o->depth,
		 o->batch, o->pin);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		size_t size;
		double mops, gbps;

		if (sscanf(line, "%zu %lf %lf", &size, &mops, &gbps) != 3)
			continue;
		for (int i = 0; i < o->nsizes; i++) {
			if (o->sizes[i] == size) {
				rows[i].skeleton.mops = mops;
				rows[i].skeleton.gbps = gbps;
				got++;
			}
		}
	}
	if (pclose(p) || got != o->nsizes) {
		printf("DPDK skeleton column: skipped (dmaperf-skeleton failed)\n");
		return 0;
	}
	return 1;
}
