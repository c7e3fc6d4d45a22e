/*
 * The manifest of `ninep extract` (CSV, one row per file, header in
 * manifest_open): the writer and quoting are csv.c's.
 */
#ifndef NINEP_ANALYZER_MANIFEST_H
#define NINEP_ANALYZER_MANIFEST_H

#include <stdio.h>

#include "ninep/files.h"
#include "report/csv.h"

struct manifest_out {
	struct csv_out csv;
};

/* Writes the header row. */
void manifest_open(struct manifest_out *w, FILE *out);
/* One file; saved_as: where it went below DIR, "" when not written. */
void manifest_row(struct manifest_out *w, const struct ninep_file *f, const char *saved_as);
void manifest_close(struct manifest_out *w);

#endif
