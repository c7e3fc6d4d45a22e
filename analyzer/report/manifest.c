/*
 * The manifest of `ninep extract`: one CSV row per file a capture carried,
 * with the columns the files contract fixes:
 *   path,saved_as,size,captured,holes,first_frame,first_time,last_frame,last_time,access
 * path is the file's 9P name, escaped as every CSV text field is
 * (report/escape.h: a 9P name may hold ESC or NUL, which must not reach a
 * terminal raw).  Times are seconds since 1970 with 9 decimals.
 */
#include "report/manifest.h"

#include <stdio.h>
#include <string.h>

void manifest_open(struct manifest_out *w, FILE *out)
{
	csv_open(&w->csv, out);
	static const char header[] =
		"path,saved_as,size,captured,holes,first_frame,first_time,last_frame,last_time,access\r\n";
	csv_bytes(&w->csv, header, sizeof header - 1);
}

static void time_field(struct csv_out *w, int64_t ns)
{
	char t[48];
	uint64_t u = ns < 0 ? 0 : (uint64_t)ns;
	int n = snprintf(t, sizeof t, "%llu.%09llu", (unsigned long long)(u / 1000000000u),
			 (unsigned long long)(u % 1000000000u));
	csv_bytes(w, t, (size_t)n);
}

void manifest_row(struct manifest_out *w, const struct ninep_file *f, const char *saved_as)
{
	struct csv_out *c = &w->csv;
	csv_field(c, f->name, f->name_len);
	csv_char(c, ',');
	csv_field(c, saved_as, strlen(saved_as));
	csv_char(c, ',');
	csv_u64(c, f->size);
	csv_char(c, ',');
	csv_u64(c, f->captured);
	csv_char(c, ',');
	csv_u64(c, f->holes);
	csv_char(c, ',');
	csv_u64(c, f->first_frame);
	csv_char(c, ',');
	time_field(c, f->first_ns);
	csv_char(c, ',');
	csv_u64(c, f->last_frame);
	csv_char(c, ',');
	time_field(c, f->last_ns);
	csv_char(c, ',');
	const char *access = ninep_file_access_name(f->access);
	csv_bytes(c, access, strlen(access));
	csv_bytes(c, "\r\n", 2);
}

void manifest_close(struct manifest_out *w)
{
	csv_close(&w->csv);
}
