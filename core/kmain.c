/* SPDX-License-Identifier: MIT */
/*
 * main() for kernel-style programs (libudmaengine_kmain.a): runs the
 * modules linked in as the kernel would load them. A program with a main()
 * of its own never pulls this archive member in.
 */
#include <stdio.h>
#include <string.h>

#include <udmaengine/initcall.h>
#include <udmaengine/kbase.h>

int main(int argc, char **argv)
{
	const char *failed = "?";
	int ret;

	if (udma_params_parse(argc, argv))
		return 1;
	ret = udma_initcalls_run(&failed);
	if (ret) {
		fflush(stdout);
		fprintf(stderr, "%s: initcall %s failed: %d (%s)\n", argc ? argv[0] : "kmain",
			failed, ret, ret < 0 ? strerror(-ret) : "not an errno");
		/* the program ends: the modules that did initialise unload */
		udma_exitcalls_run();
		udma_devres_release_all(NULL);
		return 1;
	}
	udma_exitcalls_run();
	/* the driver is detached: what it allocated with devm_* goes now */
	udma_devres_release_all(NULL);
	return 0;
}
