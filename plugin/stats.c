/*
 * The "ninep" tap and what reads it here: the service response time table
 * (-z ninep,srt) and the stats tree (-z ninep,tree, and Statistics > 9P
 * (ninep) in the GUI).  Other tools can listen to the same tap;
 * ninep-tap.h describes its records.
 */
#include "ninep-plugin.h"

#include <epan/srt_table.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>
#include <epan/stats_tree_priv.h>
#include <epan/plugin_if.h>
#include <epan/tap.h>

#include <stdio.h>
#include <string.h>

int ninep_tap = -1;

/* One SRT row per message number: only request types ever get rows. */
enum { SRT_ROWS = 256 };

static const char NODE_MESSAGES[] = "Messages by type";
static const char NODE_ERRORS[] = "Errors by request type";
static const char NODE_ROUND_TRIPS[] = "Round trips by connection";

/* The stats tree's abbreviation, and the -z option that prints it. */
#define TREE_ABBR "ninep"
#define TREE_OPTION TREE_ABBR ",tree"

static void srt_init(struct register_srt *srt _U_, GArray *srt_array)
{
	srt_stat_table *table = init_srt_table("9P Service Response Time", NULL, srt_array, SRT_ROWS, "Request",
					       "ninep.request_type", NULL);
	for (int type = 0; type < SRT_ROWS; type++)
		init_srt_table_row(table, type, ninep_type_name((unsigned)type));
}

static tap_packet_status srt_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
				    tap_flags_t flags _U_)
{
	srt_data_t *srt = tapdata;
	const struct ninep_tap_info *tap = data;
	if (tap->is_request || !tap->matched)
		return TAP_PACKET_DONT_REDRAW;
	srt_stat_table *table = g_array_index(srt->srt_array, srt_stat_table *, 0);
	add_srt_table_data(table, tap->request_type, &tap->request_time, pinfo);
	return TAP_PACKET_REDRAW;
}

static void tree_init(stats_tree *st)
{
	stats_tree_create_node(st, NODE_MESSAGES, 0, STAT_DT_INT, TRUE);
	stats_tree_create_node(st, NODE_ERRORS, 0, STAT_DT_INT, TRUE);
	stats_tree_create_node(st, NODE_ROUND_TRIPS, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
				     const void *data, tap_flags_t flags _U_)
{
	const struct ninep_tap_info *tap = data;
	int messages = tick_stat_node(st, NODE_MESSAGES, 0, FALSE);
	tick_stat_node(st, ninep_type_name(tap->type), messages, FALSE);
	if (tap->matched) {
		int round_trips = tick_stat_node(st, NODE_ROUND_TRIPS, 0, FALSE);
		tick_stat_node(st, tap->conversation != NULL ? tap->conversation : "unknown", round_trips, FALSE);
		if (tap->is_error) {
			int errors = tick_stat_node(st, NODE_ERRORS, 0, FALSE);
			tick_stat_node(st, ninep_type_name(tap->request_type), errors, FALSE);
		}
	}
	return TAP_PACKET_REDRAW;
}

/*
 * -z ninep,tree[,FILTER] in both programs.  tshark registers "ABBR,tree"
 * for every stats tree (ui/cli/tap-stats_tree.c), but Wireshark 4.0's GUI
 * registers none (its stats tree dialog opens only from the Statistics
 * menu), so the GUI rejects "-z ABBR,tree" for every stats tree, built-in
 * ones (http,tree, plen,tree) too.  The plugin registers the option
 * itself; it does so before either program registers its own (the first
 * registration of an option is the one kept), and does what tshark's
 * does: the tree, as text on standard output, when the tap is drawn at the
 * end of the capture.
 */
static void print_tree(void *data)
{
	stats_tree *st = data;
	GString *text = stats_tree_format_as_str(st, ST_FORMAT_PLAIN, stats_tree_get_default_sort_col(st),
						 stats_tree_is_default_sort_DESC(st));
	fputs(text->str, stdout);
	fflush(stdout);
	g_string_free(text, TRUE);
}

static void start_tree(const char *option, void *userdata _U_)
{
	stats_tree_cfg *cfg = stats_tree_get_cfg_by_abbr(TREE_ABBR);
	if (cfg == NULL || strncmp(option, TREE_OPTION, strlen(TREE_OPTION)) != 0) {
		fprintf(stderr, "ninep: -z %s: not the 9P stats tree\n", option);
		return;
	}
	/* Wireshark 4.0's GUI starts -z statistics only after it has read the
	 * capture (tshark before): a tap started then sees no packet and would
	 * print an empty tree, as if there were no 9P.  The GUI (the only
	 * program that answers plugin_if) already counts frames then. */
	ws_info_t *ws = NULL;
	plugin_if_get_ws_info(&ws);
	if (ws != NULL && ws->cf_count > 0) {
		fprintf(stderr,
			"ninep: -z %s: Wireshark starts -z statistics after reading the capture, so this one would "
			"count nothing: see Statistics > 9P (ninep) > Messages, errors, round trips "
			"(tshark -z %s prints the tree)\n",
			option, TREE_OPTION);
		return;
	}
	/* "ninep,tree,FILTER": what follows the second comma is a display filter. */
	const char *filter = option + strlen(TREE_OPTION);
	if (*filter == ',')
		filter++;
	stats_tree *st = stats_tree_new(cfg, NULL, *filter != '\0' ? filter : NULL);
	GString *error = register_tap_listener(cfg->tapname, st, st->filter, cfg->flags, stats_tree_reset,
					       stats_tree_packet, print_tree, NULL);
	if (error != NULL) {
		fprintf(stderr, "ninep: -z %s: %s\n", option, error->str);
		g_string_free(error, TRUE);
		stats_tree_free(st);
		return;
	}
	if (cfg->init != NULL)
		cfg->init(st);
}

void ninep_register_stats(void)
{
	ninep_tap = register_tap("ninep");
	register_srt_table(proto_ninep, NULL, 1, srt_packet, srt_init, NULL);
	stats_tree_register_plugin("ninep", TREE_ABBR, "9P (ninep)/Messages, errors, round trips", 0, tree_packet,
				   tree_init, NULL);
	static stat_tap_ui tree_option = {
		REGISTER_STAT_GROUP_GENERIC, NULL, TREE_OPTION, start_tree, 0, NULL,
	};
	register_stat_tap_ui(&tree_option, NULL);
}
