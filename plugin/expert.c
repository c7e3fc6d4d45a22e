/*
 * Expert info: everything suspicious the dissector notices becomes one of
 * these, never a silent fix.
 */
#include "ninep-plugin.h"

struct ninep_ei ninep_ei = {
	EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT,
	EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT,
	EI_INIT, EI_INIT,
};

void ninep_register_expert(void)
{
	static ei_register_info ei[] = {
		{ &ninep_ei.malformed, { "ninep.malformed", PI_MALFORMED, PI_ERROR,
					 "Malformed 9P message", EXPFILL } },
		{ &ninep_ei.not_9p, { "ninep.not_9p.expert", PI_UNDECODED, PI_WARN,
				      "Bytes on a 9P connection that are not 9P", EXPFILL } },
		{ &ninep_ei.size_above_msize, { "ninep.size.above_msize", PI_MALFORMED, PI_ERROR,
						"Message size above the negotiated msize", EXPFILL } },
		/* Once per connection: a snaplen is a choice, not a fault. */
		{ &ninep_ei.snaplen, { "ninep.snaplen", PI_SEQUENCE, PI_NOTE,
				       "The capture's snaplen cut messages of this connection", EXPFILL } },
		{ &ninep_ei.reply_without_request, { "ninep.reply_without_request", PI_SEQUENCE, PI_WARN,
						     "Reply with no request", EXPFILL } },
		/* Shown on the second pass (tshark -2, or the GUI after loading):
		 * only then is it known that no reply ever came. */
		{ &ninep_ei.never_answered, { "ninep.never_answered", PI_SEQUENCE, PI_WARN,
					      "Request never answered (no response seen)", EXPFILL } },
		{ &ninep_ei.tag_reused, { "ninep.tag_reused", PI_SEQUENCE, PI_WARN,
					  "Tag reused while its request is outstanding", EXPFILL } },
		{ &ninep_ei.flushed, { "ninep.flushed", PI_SEQUENCE, PI_NOTE, "Request flushed", EXPFILL } },
		{ &ninep_ei.error_reply, { "ninep.error", PI_RESPONSE_CODE, PI_NOTE, "Error reply", EXPFILL } },
		{ &ninep_ei.fid_unknown, { "ninep.fid_unknown", PI_SEQUENCE, PI_WARN, "Fid used before it exists",
					   EXPFILL } },
		{ &ninep_ei.fid_reused, { "ninep.fid_reused", PI_SEQUENCE, PI_WARN,
					  "New fid is already in use", EXPFILL } },
		{ &ninep_ei.dialect_guessed, { "ninep.dialect_guessed.expert", PI_ASSUMPTION, PI_NOTE,
					       "Dialect guessed: Tversion/Rversion not captured", EXPFILL } },
		/* A Tversion answered by Rerror/Rlerror agrees on nothing (version(5)). */
		{ &ninep_ei.dialect_refused, { "ninep.dialect_guessed.refused", PI_ASSUMPTION, PI_NOTE,
					       "Dialect guessed: the Tversion was refused", EXPFILL } },
		{ &ninep_ei.wrong_dialect, { "ninep.wrong_dialect", PI_PROTOCOL, PI_WARN,
					     "Message type not defined in the connection's dialect", EXPFILL } },
		{ &ninep_ei.session_rejected, { "ninep.session_rejected", PI_SEQUENCE, PI_NOTE,
						"Session not resumed: the connection starts a new session",
						EXPFILL } },
		{ &ninep_ei.session_key_clear, { "ninep.session_key.clear", PI_SECURITY, PI_NOTE,
						 "Session key in clear text: it lets its holder take over the session",
						 EXPFILL } },
		/* Once per connection direction: what is missing is no fault of
		 * 9P, and a TCP preference may bring it back. */
		{ &ninep_ei.tcp_out_of_order, { "ninep.tcp_out_of_order", PI_SEQUENCE, PI_NOTE,
						"TCP segments out of order: set tcp.reassemble_out_of_order for "
						"full decoding",
						EXPFILL } },
		/* Export Objects keeps no file content past NINEP_FILE_MAX_SIZE. */
		{ &ninep_ei.content_beyond_limit, { "ninep.export.beyond_limit", PI_UNDECODED, PI_NOTE,
						    "File content beyond the export size limit is not kept",
						    EXPFILL } },
	};
	expert_module_t *module = expert_register_protocol(proto_ninep);
	expert_register_field_array(module, ei, G_N_ELEMENTS(ei));
}
