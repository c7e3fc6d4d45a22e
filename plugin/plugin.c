/*
 * Plugin boilerplate and registration of the ninep protocol: names,
 * preferences, TCP port 564 (taken over from the built-in "9p"), a port
 * range preference, Decode As, and the content heuristic on TCP.
 */
#include "ninep-plugin.h"

#include <epan/prefs.h>
#include <ws_symbol_export.h>
#include <ws_version.h>

/* The IANA port of 9P ("9pfs"). */
#define NINEP_TCP_PORTS "564"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = "0.1.0";
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

int proto_ninep = -1;

/* Preference storage: Wireshark writes it when the user changes it. */
static gint pref_dialect = 0;

static const enum_val_t dialect_choices[] = {
	{ "auto", "From Tversion/Rversion (guess when not seen)", 0 },
	{ "9p2000", "9P2000", NINEP_DIALECT_9P2000 },
	{ "9p2000.u", "9P2000.u", NINEP_DIALECT_U },
	{ "9p2000.l", "9P2000.L", NINEP_DIALECT_L },
	{ "9p2000.e", "9P2000.e", NINEP_DIALECT_E },
	{ NULL, NULL, 0 },
};

unsigned ninep_pref_dialect(void)
{
	return (unsigned)pref_dialect;
}

static void proto_register_ninep(void)
{
	proto_ninep = proto_register_protocol("Plan 9 File Protocol (ninep plugin)", "NINEP", "ninep");
	ninep_register_fields();
	ninep_register_expert();
	ninep_register_tracking();

	module_t *module = prefs_register_protocol(proto_ninep, NULL);
	prefs_register_enum_preference(module, "dialect", "Dialect when the handshake is not captured",
				       "Decode connections whose Tversion/Rversion is not in the capture "
				       "with this dialect; \"auto\" guesses from the messages seen",
				       &pref_dialect, dialect_choices, FALSE);

	ninep_register_stats();
	ninep_register_export();
}

static void proto_reg_handoff_ninep(void)
{
	dissector_handle_t handle = create_dissector_handle(ninep_dissect_tcp, proto_ninep);
	ninep_set_handle(handle);
	/* Adding our handle for 564 after the built-in's handoff replaces its
	 * entry; the range preference (ninep.tcp.port) and Decode As come with
	 * it. */
	dissector_add_uint_range_with_preference("tcp.port", NINEP_TCP_PORTS, handle);
	heur_dissector_add("tcp", ninep_dissect_heur, "9P over TCP (by content)", "ninep_tcp", proto_ninep,
			   HEURISTIC_ENABLE);
}

void plugin_register(void)
{
	static proto_plugin plugin;
	plugin.register_protoinfo = proto_register_ninep;
	plugin.register_handoff = proto_reg_handoff_ninep;
	proto_register_plugin(&plugin);
}
