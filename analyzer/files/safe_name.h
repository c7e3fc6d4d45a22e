/*
 * Where `ninep extract` saves a file: a relative path below DIR made from
 * the file's 9P name, that can never leave DIR and never holds a byte a
 * terminal or a shell would act on (safe_name.c; the rules are in
 * ../ninep.1, section EXTRACT).
 */
#ifndef NINEP_ANALYZER_SAFE_NAME_H
#define NINEP_ANALYZER_SAFE_NAME_H

#include <stddef.h>

enum {
	SAFE_COMPONENT_MAX = 255,  /* NAME_MAX of Linux file systems */
	SAFE_PATH_MAX = 3072,      /* of the relative path: leaves DIR room below PATH_MAX (4096) */
};

/*
 * The relative path for the 9P name name[0..len): its elements split at
 * '/', each escaped (see ninep.1), joined by '/'.  Writes at most
 * SAFE_PATH_MAX bytes and a NUL into out (cap > SAFE_PATH_MAX); returns
 * the length.  Every element it writes is one a directory can hold: not
 * empty, not "." or "..", no '/', no NUL, at most SAFE_COMPONENT_MAX bytes.
 */
size_t safe_relative_path(const char *name, size_t len, char *out, size_t cap);

#endif
