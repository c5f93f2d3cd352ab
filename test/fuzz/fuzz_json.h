/*-------------------------------------------------------------------------
 * fuzz_json.h
 *		Shared by the libFuzzer targets that write JSON documents back
 *		(fuzz_credjson, fuzz_credprocess, fuzz_credsso): a string as a JSON
 *		string literal.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_FUZZ_JSON_H
#define RDS_FUZZ_JSON_H

#include "buf.h"

/* Append s to b as a JSON string: quotes, backslashes, controls escaped. */
static inline void
fuzz_append_json_string(RdsBuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	RdsBufAppendChar(b, '"');
	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c == '"' || c == '\\')
		{
			RdsBufAppendChar(b, '\\');
			RdsBufAppendChar(b, (char) c);
		}
		else if (c < 0x20)
		{
			char		esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

			RdsBufAppend(b, esc, 6);
		}
		else
			RdsBufAppendChar(b, (char) c);
	}
	RdsBufAppendChar(b, '"');
}

#endif
