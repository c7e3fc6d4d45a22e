/*
 * The "ninep" tap and what reads it here: the service response time table
 * (tshark -z ninep,srt) and the stats tree (tshark -z ninep,tree).  Other
 * tools can listen to the same tap; ninep-tap.h describes its records.
 */
#include "ninep-plugin.h"

#include <epan/srt_table.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

int ninep_tap = -1;

/* One SRT row per message number: only request types ever get rows. */
enum { SRT_ROWS = 256 };

static const char NODE_MESSAGES[] = "Messages by type";
static const char NODE_ERRORS[] = "Errors by request type";
static const char NODE_ROUND_TRIPS[] = "Round trips by connection";

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

void ninep_register_stats(void)
{
	ninep_tap = register_tap("ninep");
	register_srt_table(proto_ninep, NULL, 1, srt_packet, srt_init, NULL);
	stats_tree_register_plugin("ninep", "ninep", "9P (ninep)/Messages, errors, round trips", 0, tree_packet,
				   tree_init, NULL);
}
