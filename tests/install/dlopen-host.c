/*
 * A program that loads udmaengine late: it dlopens a plugin (consumer.c,
 * built as a shared object) that links the installed shared library. The
 * library's thread-local state then lives in dynamically allocated TLS,
 * which a TLS model or dialect that assumes otherwise breaks (glibc before
 * 2.39 clobbers vector registers on the TLS-descriptor path, for one).
 */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	void *plugin;
	int (*run)(void);

	if (argc != 2)
		return 2;
	plugin = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!plugin) {
		fprintf(stderr, "dlopen-host: %s\n", dlerror());
		return 1;
	}
	run = (int (*)(void))dlsym(plugin, "consumer_main");
	if (!run) {
		fprintf(stderr, "dlopen-host: %s\n", dlerror());
		return 1;
	}
	return run();
}
