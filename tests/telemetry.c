/* SPDX-License-Identifier: MIT */
/*
 * Telemetry (core/telemetry.c), as a client sees it: the socket's mode,
 * /channels and /channel against udma_chan_get_stats while a channel runs
 * and once it is idle, callback latency, /fifos and /fifo against
 * udma_fifo_stats, /summary against udma_dmaengine_summary, errors for
 * malformed, unknown and oversized requests with the connection still
 * answering, several clients at once, a client that vanishes mid-answer,
 * the default path and its directory, stale and live sockets, stop.
 *
 * `test_telemetry --busy SECONDS` is the udmastat test's target instead
 * (tests/udmastat.sh): a channel kept busy and a FIFO, under
 * UDMA_TELEMETRY, until SIGTERM or SECONDS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <udmaengine/telemetry.h>

#include "helpers.h"

#define COPY 4096
#define DEPTH 64	/* copies in flight at most */

/* ---- a client ---- */

static int client(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	CHECK(fd >= 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	CHECK(connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	return fd;
}

static void send_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n <= 0)
			fprintf(stderr, "telemetry: send of %zu bytes: %s\n", len,
				n < 0 ? strerror(errno) : "nothing sent");
		CHECK(n > 0);
		s += n;
		len -= (size_t)n;
	}
}

/* The next answer line on @fd (without its newline), malloc'd. */
static char *read_line(int fd)
{
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);

	CHECK(s);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		CHECK(poll(&p, 1, 10000) == 1);	/* an answer within 10 s */
		if (len + 1 == cap) {
			cap *= 2;
			s = realloc(s, cap);
			CHECK(s);
		}
		n = recv(fd, s + len, 1, 0);	/* byte by byte: leaves the next answer */
		CHECK(n == 1);
		if (s[len] == '\n') {
			s[len] = '\0';
			CHECK(s[0] == '{' && s[len - 1] == '}');	/* one object per line */
			return s;
		}
		len++;
	}
}

static char *ask(int fd, const char *req)
{
	send_all(fd, req, strlen(req));
	send_all(fd, "\n", 1);
	return read_line(fd);
}

/* The number after "key": in @a; CHECKs it is there. */
static unsigned long long jnum(const char *a, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(a, pat);
	if (!p) {
		fprintf(stderr, "no \"%s\" in %s\n", key, a);
		exit(1);
	}
	return strtoull(p + strlen(pat), NULL, 10);
}

static double jreal(const char *a, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(a, pat);
	CHECK(p);
	return strtod(p + strlen(pat), NULL);
}

/* The JSON string after "key": in @a, unescaped, malloc'd. */
static char *jstr(const char *a, const char *key)
{
	char pat[64], *out, *o;
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	p = strstr(a, pat);
	CHECK(p);
	p += strlen(pat);
	o = out = malloc(strlen(p) + 1);
	CHECK(out);
	for (; *p && *p != '"'; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'u': *o++ = (char)strtoul((char[5]){ p[1], p[2], p[3], p[4], 0 }, NULL, 16);
			  p += 4; break;
		default: *o++ = *p;
		}
	}
	CHECK(*p == '"');
	*o = '\0';
	return out;
}

static void check_error(int fd, const char *req, size_t len, const char *why)
{
	char *a;

	send_all(fd, req, len);
	a = read_line(fd);
	if (strncmp(a, "{\"error\": \"", 11) || !strstr(a, why)) {
		fprintf(stderr, "request \"%.40s\": answer %s does not name \"%s\"\n", req, a, why);
		exit(1);
	}
	free(a);
}

/* The connection still answers: /info, with this process's pid. */
static void check_alive(int fd)
{
	char *a = ask(fd, "/info");

	CHECK_EQ(jnum(a, "pid"), getpid());
	CHECK(strstr(a, "\"version\": \""));
	CHECK(jreal(a, "uptime_s") >= 0);
	free(a);
}

/* ---- a channel kept busy ---- */

struct busy {
	struct dma_chan *chan;
	uint8_t *src, *dst;
	int stop;		/* atomic */
	int done;		/* atomic: callbacks run */
	int submitted;
};

static void busy_callback(void *param)
{
	__atomic_fetch_add(&((struct busy *)param)->done, 1, __ATOMIC_RELAXED);
}

static void *busy_thread(void *arg)
{
	struct busy *b = arg;

	while (!__atomic_load_n(&b->stop, __ATOMIC_RELAXED)) {
		struct dma_async_tx_descriptor *tx;

		if (b->submitted - __atomic_load_n(&b->done, __ATOMIC_RELAXED) >= DEPTH) {
			t_sleep_us(20);
			continue;
		}
		tx = dmaengine_prep_dma_memcpy(b->chan, t_addr(b->dst), t_addr(b->src), COPY,
					       DMA_PREP_INTERRUPT);
		CHECK(tx);
		tx->callback = busy_callback;
		tx->callback_param = b;
		CHECK(dmaengine_submit(tx) > 0);
		b->submitted++;
		dma_async_issue_pending(b->chan);
	}
	/* every callback in before the stats are compared */
	while (__atomic_load_n(&b->done, __ATOMIC_RELAXED) != b->submitted)
		t_sleep_us(100);
	return NULL;
}

static void busy_init(struct busy *b)
{
	memset(b, 0, sizeof(*b));
	b->chan = t_request(DMA_MEMCPY);
	b->src = t_alloc(COPY);
	b->dst = t_alloc(COPY);
	t_fill(b->src, COPY, 1);
}

/* ---- the checks ---- */

static void check_mode(const char *path, mode_t type, mode_t mode)
{
	struct stat st;

	CHECK(lstat(path, &st) == 0);
	CHECK((st.st_mode & S_IFMT) == type);
	CHECK_EQ(st.st_mode & 0777, mode);
	CHECK_EQ(st.st_uid, geteuid());
}

static void check_channel(const char *a, const struct udma_chan_stats *st)
{
	CHECK_EQ(jnum(a, "memcpy_count"), st->memcpy_count);
	CHECK_EQ(jnum(a, "memset_count"), st->memset_count);
	CHECK_EQ(jnum(a, "slave_count"), st->slave_count);
	CHECK_EQ(jnum(a, "interleave_count"), st->interleave_count);
	CHECK_EQ(jnum(a, "bytes_transferred"), st->bytes_transferred);
	CHECK_EQ(jnum(a, "submitted"), st->submitted);
	CHECK_EQ(jnum(a, "completed"), st->completed);
	CHECK_EQ(jnum(a, "errors"), st->errors);
	CHECK_EQ(jnum(a, "terminated"), st->terminated);
	CHECK_EQ(jnum(a, "in_flight"), st->in_flight);
	CHECK(strstr(a, st->in_use ? "\"in_use\": true" : "\"in_use\": false"));
}

static void channels(int fd, struct busy *b)
{
	const char *name = dma_chan_name(b->chan);
	struct udma_chan_stats before, after;
	pthread_t th;
	char req[64], *a;

	a = ask(fd, "/channels");
	CHECK(!strncmp(a, "{\"/channels\": [", 15));
	CHECK(strstr(a, "\"dma0chan0\", \"dma0chan1\""));
	free(a);
	snprintf(req, sizeof(req), "/channel,%s", name);

	/* while it runs: between two snapshots taken around the answer */
	CHECK(pthread_create(&th, NULL, busy_thread, b) == 0);
	t_sleep_us(1200 * 1000);	/* a full second of callbacks for the latency */
	CHECK_EQ(udma_chan_get_stats(b->chan, &before), 0);
	a = ask(fd, req);
	CHECK_EQ(udma_chan_get_stats(b->chan, &after), 0);
	CHECK(jnum(a, "submitted") >= before.submitted && jnum(a, "submitted") <= after.submitted);
	CHECK(jnum(a, "completed") >= before.completed && jnum(a, "completed") <= after.completed);
	CHECK(jnum(a, "in_flight") <= DEPTH);
	CHECK(strstr(a, "\"device\": \"dma0\""));
	CHECK(jnum(a, "samples") > 0);
	CHECK(jreal(a, "p50_us") > 0);
	CHECK(jreal(a, "p99_us") >= jreal(a, "p50_us"));
	printf("telemetry: %s running: %llu latency samples, p50 %.2f us, p99 %.2f us\n", name,
	       jnum(a, "samples"), jreal(a, "p50_us"), jreal(a, "p99_us"));
	free(a);
	__atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);

	/* idle: every field exactly */
	CHECK_EQ(udma_chan_get_stats(b->chan, &after), 0);
	CHECK_EQ(after.submitted, b->submitted);
	a = ask(fd, req);
	check_channel(a, &after);
	free(a);

	/* a channel nobody holds is there too, free */
	a = ask(fd, "/channel,dma0chan1");
	CHECK(strstr(a, "\"in_use\": false") && strstr(a, "\"client\": null"));
	CHECK(strstr(a, "\"latency\": {\"samples\": 0, \"p50_us\": null, \"p99_us\": null}}"));
	free(a);
}

static void fifos(int fd)
{
	struct udma_fifo_config cfg = {
		.name = "tele-rx", .dir = DMA_DEV_TO_MEM, .depth = 64,
		.width = DMA_SLAVE_BUSWIDTH_1_BYTE,
	};
	struct udma_fifo *f = udma_fifo_create(&cfg);
	struct udma_fifo_stats st;
	uint8_t data[100] = { 0 };
	char *a;

	CHECK(!IS_ERR(f));
	CHECK_EQ(udma_fifo_push(f, data, 10), 10);
	a = ask(fd, "/fifos");
	CHECK(!strcmp(a, "{\"/fifos\": [\"tele-rx\"]}"));
	free(a);
	CHECK_EQ(udma_fifo_push(f, data, 100), 54);	/* 46 overrun */
	udma_fifo_stats(f, &st);
	a = ask(fd, "/fifo,tele-rx");
	CHECK_EQ(jnum(a, "level"), st.level);
	CHECK_EQ(jnum(a, "level"), 64);
	CHECK_EQ(jnum(a, "depth"), 64);
	CHECK_EQ(jnum(a, "bytes"), st.bytes);
	CHECK_EQ(jnum(a, "overruns"), 46);
	CHECK_EQ(jnum(a, "underruns"), 0);
	CHECK(strstr(a, "\"dir\": \"rx\""));
	free(a);
	udma_fifo_destroy(f);
	a = ask(fd, "/fifos");
	CHECK(!strcmp(a, "{\"/fifos\": []}"));
	free(a);
	check_error(fd, "/fifo,tele-rx\n", 14, "no FIFO \\\"tele-rx\\\"");
}

static void summary(int fd)
{
	char *text = NULL, *a, *got;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK(f);
	udma_dmaengine_summary(f);
	fclose(f);
	a = ask(fd, "/summary");
	got = jstr(a, "/summary");
	CHECK(!strcmp(got, text));
	CHECK(strstr(got, "udmaengine counters:"));
	free(got);
	free(a);
	free(text);
}

static void bad_requests(int fd)
{
	char big[1100];

	check_error(fd, "hello\n", 6, "does not start with '/'");
	check_alive(fd);
	check_error(fd, "/nope\n", 6, "unknown command \\\"/nope\\\"");
	check_error(fd, "/channel\n", 9, "/channel needs a channel name");
	check_error(fd, "/channel,\n", 10, "/channel needs a channel name");
	check_error(fd, "/channel,dma9chan9\n", 19, "no channel \\\"dma9chan9\\\"");
	check_error(fd, "/info,now\n", 10, "/info takes no parameter");
	check_error(fd, "/in\x01" "fo\n", 7, "byte 0x01 at offset 3");
	check_error(fd, "\n", 1, "empty request");
	check_alive(fd);

	/* 1024 bytes is a request (an unknown one), 1025 too many */
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[1024] = '\n';
	check_error(fd, big, 1025, "unknown command");
	big[1024] = 'a';
	big[1025] = '\n';
	check_error(fd, big, 1026, "longer than 1024 bytes");
	check_alive(fd);
	/* much longer, in pieces: one error, then the next request answers */
	for (int i = 0; i < 8; i++)
		send_all(fd, big, 1000);
	check_error(fd, "\n", 1, "longer than 1024 bytes");
	check_alive(fd);

	/* a request in two writes, two requests in one; \r\n ends a line too */
	send_all(fd, "/in", 3);
	t_sleep_us(20000);
	send_all(fd, "fo\r\n/help\n", 10);
	free(read_line(fd));
	{
		char *a = read_line(fd);

		CHECK(strstr(a, "\"/channel,<name>\": "));
		free(a);
	}
	check_alive(fd);
}

/* Several at once, a full house, and one that leaves mid-answer. */
static void clients(const char *path, int fd)
{
	int more[16], n = 0, gone;
	char reqs[2000 * 9 + 1] = "";
	struct linger hard = { 1, 0 };

	for (n = 0; n < 15; n++)
		more[n] = client(path);
	for (int i = 0; i < n; i++)
		check_alive(more[i]);
	check_alive(fd);
	/* the 17th: refused with an error, the others stay */
	more[n] = client(path);
	{
		char *a = read_line(more[n]);

		CHECK(strstr(a, "too many clients"));
		free(a);
		close(more[n]);
	}
	for (int i = 0; i < n; i++)
		close(more[i]);
	/* answered after the server's poll saw those hang up: their places are
	 * free before the next client connects */
	check_alive(fd);

	/* 2000 summaries asked for and not read: the server is mid-answer
	 * when the connection is reset */
	gone = client(path);
	for (int i = 0; i < 2000; i++)
		strcat(reqs, "/summary\n");
	send_all(gone, reqs, strlen(reqs));
	t_sleep_us(50000);
	CHECK(setsockopt(gone, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard)) == 0);
	close(gone);
	t_sleep_us(50000);
	check_alive(fd);
	gone = client(path);	/* and one that just goes */
	send_all(gone, reqs, strlen(reqs));
	close(gone);
	check_alive(fd);
	check_alive(client(path));	/* new ones still come in */
}

static void default_path(const char *tmp)
{
	char xdg[128], dir[160], want[200], *a;
	int fd;

	snprintf(xdg, sizeof(xdg), "%s/xdg", tmp);
	CHECK(mkdir(xdg, 0700) == 0);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	CHECK_EQ(udma_telemetry_start(NULL), 0);
	snprintf(dir, sizeof(dir), "%s/udmaengine", xdg);
	snprintf(want, sizeof(want), "%s/telemetry.%ld", dir, (long)getpid());
	CHECK(!strcmp(udma_telemetry_path(), want));
	check_mode(dir, S_IFDIR, 0700);
	check_mode(want, S_IFSOCK, 0600);
	fd = client(want);
	a = ask(fd, "/channels");
	CHECK(strstr(a, "dma0chan0"));
	free(a);
	close(fd);
	udma_telemetry_stop();
	CHECK(access(want, F_OK) != 0 && errno == ENOENT);

	/* a directory others may enter is not used */
	CHECK(chmod(dir, 0755) == 0);
	t_diag_reset();
	CHECK_EQ(udma_telemetry_start(NULL), -EPERM);
	CHECK_DIAG("closed to others");
	CHECK(udma_telemetry_path() == NULL);
	rmdir(dir);
	unsetenv("XDG_RUNTIME_DIR");
}

static void sockets_there(const char *tmp)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)], longp[200];
	int fd;

	/* a dead process's socket is replaced */
	snprintf(path, sizeof(path), "%s/stale", tmp);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	close(fd);
	CHECK_EQ(udma_telemetry_start(path), 0);
	check_mode(path, S_IFSOCK, 0600);
	check_alive(client(path));
	udma_telemetry_stop();

	/* a live one is not */
	snprintf(path, sizeof(path), "%s/live", tmp);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(fd, 1) == 0);
	t_diag_reset();
	CHECK_EQ(udma_telemetry_start(path), -EADDRINUSE);
	CHECK_DIAG("something listens there already");
	close(fd);

	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	CHECK_EQ(udma_telemetry_start(longp), -ENAMETOOLONG);
	CHECK(udma_telemetry_path() == NULL);
}

/* ---- --busy: the udmastat test's target ---- */

static volatile sig_atomic_t quit;

static void on_term(int sig)
{
	quit = 1;
}

static int busy_main(unsigned int seconds)
{
	struct udma_fifo_config cfg = {
		.name = "busy-rx", .dir = DMA_DEV_TO_MEM, .depth = 256,
		.width = DMA_SLAVE_BUSWIDTH_1_BYTE,
	};
	struct sigaction sa = { .sa_handler = on_term };
	struct dma_device *dev;
	struct udma_fifo *f;
	struct busy b;
	pthread_t th;
	uint64_t end = t_now_ns() + (uint64_t)seconds * 1000000000u;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	dev = t_soft_create(NULL);	/* UDMA_TELEMETRY is read here */
	f = udma_fifo_create(&cfg);
	CHECK(!IS_ERR(f));
	CHECK_EQ(udma_fifo_push(f, "0123456789abcdef", 16), 16);
	busy_init(&b);
	CHECK(pthread_create(&th, NULL, busy_thread, &b) == 0);
	printf("busy: %s on %s\n", dma_chan_name(b.chan),
	       udma_telemetry_path() ? udma_telemetry_path() : "(no telemetry)");
	fflush(stdout);
	while (!quit && t_now_ns() < end)
		t_sleep_us(10000);
	__atomic_store_n(&b.stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	dma_release_channel(b.chan);
	udma_fifo_destroy(f);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(b.src);
	free(b.dst);
	return 0;	/* the socket goes at exit */
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/udma-telemetry-XXXXXX", path[300];
	struct dma_device *dev;
	struct busy b;
	int fd;

	if (argc == 3 && !strcmp(argv[1], "--busy"))
		return busy_main((unsigned int)strtoul(argv[2], NULL, 10));
	t_diag_capture();
	CHECK(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/sock", tmp);

	CHECK_EQ(udma_telemetry_start(path), 0);
	check_mode(path, S_IFSOCK, 0600);
	CHECK(!strcmp(udma_telemetry_path(), path));
	CHECK_EQ(udma_telemetry_start(path), -EBUSY);
	CHECK_DIAG("running already");

	dev = t_soft_create(NULL);
	busy_init(&b);
	fd = client(path);
	channels(fd, &b);
	fifos(fd);
	summary(fd);
	bad_requests(fd);
	clients(path, fd);
	printf("telemetry: /channels, /channel, /fifos, /fifo, /summary agree with the API; "
	       "bad requests get errors; 16 clients; vanishing clients harmless\n");

	udma_telemetry_stop();
	CHECK(access(path, F_OK) != 0 && errno == ENOENT);
	CHECK(udma_telemetry_path() == NULL);
	{
		char one = 0;

		/* the server closed it: EOF (or a reset), no answer */
		CHECK(send(fd, "/info\n", 6, MSG_NOSIGNAL) == 6 || errno == EPIPE);
		CHECK(recv(fd, &one, 1, 0) <= 0);
	}
	close(fd);
	udma_telemetry_stop();	/* twice: nothing */

	default_path(tmp);
	sockets_there(tmp);
	printf("telemetry: default path %s/udmaengine/telemetry.<pid> 0700/0600, removed at "
	       "stop; stale socket replaced, live one refused\n", "$XDG_RUNTIME_DIR");

	dma_release_channel(b.chan);
	CHECK_EQ(udma_soft_destroy(dev), 0);
	free(b.src);
	free(b.dst);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
		CHECK(system(cmd) == 0);
	}
	return 0;
}
