"""The analyzer's documented escapes (ninep.1, ESCAPES; README), written
again here from that text, never from the C code: the tests judge what the
tools print against these.

text_escape(raw)   the text rule: text report, compare, CSV fields, HTML
text_unescape(s)   its inverse: the raw bytes of a name printed by it
json_rule(raw)     what a JSON string holds once parsed: valid UTF-8 as
                   it is, every byte that is not part of it as the
                   character of the same number (Latin-1)
"""
import codecs
import re

# Characters that change how a terminal shows text, kept out of the text
# rule although they are valid UTF-8: C1 controls, U+2028..U+202E (line and
# paragraph separators, bidirectional embeddings and overrides) and
# U+2066..U+2069 (bidirectional isolates).
DISPLAY_CONTROLS = set(range(0x80, 0xA0)) | set(range(0x2028, 0x202F)) | set(range(0x2066, 0x206A))


def _one_byte_at_a_time(err):
    # Each byte that is not part of a well-formed sequence on its own, so
    # that what follows it is judged afresh.
    return ("".join("\\x%02x" % b for b in err.object[err.start:err.start + 1]), err.start + 1)


def _latin1_one_byte(err):
    return (err.object[err.start:err.start + 1].decode("latin-1"), err.start + 1)


codecs.register_error("ninep-text", _one_byte_at_a_time)
codecs.register_error("ninep-json", _latin1_one_byte)


def text_escape(raw):
    """bytes -> str by the text rule."""
    # Backslashes first, on the bytes, so that the escapes the decoder adds
    # are not doubled.
    decoded = raw.replace(b"\\", b"\\\\").decode("utf-8", "ninep-text")
    out = []
    for ch in decoded:
        code = ord(ch)
        if code < 0x20 or code == 0x7F or code in DISPLAY_CONTROLS:
            out.append("".join("\\x%02x" % b for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def text_unescape(text):
    """str printed by the text rule -> the bytes it stands for."""
    out = bytearray()
    for m in re.finditer(r"\\\\|\\x([0-9a-f]{2})|[^\\]+|\\", text):
        token = m.group(0)
        if token == "\\\\":
            out += b"\\"
        elif m.group(1) is not None:
            out.append(int(m.group(1), 16))
        elif token == "\\":
            raise ValueError("a lone backslash in %r: not the text rule's output" % text)
        else:
            out += token.encode("utf-8")
    return bytes(out)


def json_rule(raw):
    """bytes -> the str a JSON string of them parses to."""
    return raw.decode("utf-8", "ninep-json")
