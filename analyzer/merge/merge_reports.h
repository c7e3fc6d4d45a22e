/*
 * `ninep merge REPORT...`: JSON reports of several hosts (or several runs)
 * made into one (merge_reports.c; the rules are in ninep.1, MERGING
 * REPORTS, and the README).
 */
#ifndef NINEP_ANALYZER_MERGE_REPORTS_H
#define NINEP_ANALYZER_MERGE_REPORTS_H

/* argv[0] is "merge"; returns the exit status (0, 1 usage, 2 an input
 * could not be read or is not a report). */
int merge_reports_main(int argc, char **argv);

#endif
