/*
 * The plain-program mode of a fuzz target: calls LLVMFuzzerTestOneInput on
 * every file of the directories (or files) named on the command line, so
 * that CTest replays the committed corpus and every saved crash with any
 * compiler, with or without the sanitizers.
 *
 *   fuzz_decode_replay tests/fuzz/corpus/decode tests/fuzz/regressions/decode
 *
 * A target reports a broken promise by aborting, so reaching the end means
 * every input passed.  An empty or missing directory is not an error (a
 * target may have no regressions yet), but no input at all is: that would be
 * a test that tests nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

enum { REPLAY_MAX_BYTES = 64u << 20 }; /* a corpus file larger than this is a mistake */

/* Reads a whole file into a buffer of exactly its size, so that the
 * sanitizers see a read one past the end as what it is. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || st.st_size > REPLAY_MAX_BYTES) {
		fprintf(stderr, "replay: %s: cannot size it (or larger than %u bytes)\n", path, REPLAY_MAX_BYTES);
		fclose(f);
		return -1;
	}
	size_t len = (size_t)st.st_size;
	/* malloc(0) may return NULL; one byte keeps the pointer valid and
	 * still lets ASan catch a read of data[0] on an empty input. */
	uint8_t *data = malloc(len ? len : 1);
	if (data == NULL || fread(data, 1, len, f) != len) {
		fprintf(stderr, "replay: %s: cannot read it\n", path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Replays a directory's regular files in name order (the same order on
 * every machine, so a failure names the same file everywhere). */
static int replay_dir(const char *dir, unsigned long *count)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int failed = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ".", "..", and hidden files such as .gitkeep */
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			char **grown = realloc(names, cap * sizeof *names);
			if (grown == NULL) {
				failed = 1;
				break;
			}
			names = grown;
		}
		size_t need = strlen(dir) + 1 + strlen(e->d_name) + 1;
		names[n] = malloc(need);
		if (names[n] == NULL) {
			failed = 1;
			break;
		}
		snprintf(names[n], need, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (names != NULL)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (!failed && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(names[i]) != 0)
				failed = 1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 64;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(argv[i]) != 0)
				failed = 1;
			else
				count++;
		} else if (replay_dir(argv[i], &count) != 0) {
			failed = 1;
		}
	}
	printf("replayed %lu inputs\n", count);
	if (count == 0) {
		fprintf(stderr, "replay: no input found\n");
		return 1;
	}
	return failed ? 1 : 0;
}
