/*-------------------------------------------------------------------------
 * compat.h
 *		Every PostgreSQL, libcurl and OpenSSL version difference, in one place.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_COMPAT_H
#define RDS_COMPAT_H

#include <curl/curl.h>
#include <openssl/opensslv.h>

/* sigv4.c uses OpenSSL 3's EVP_MAC and fetched digests */
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "rds_copy needs OpenSSL 3.0 or later"
#endif

/* MarkGUCPrefixReserved() replaced EmitWarningsOnPlaceholders() in 15 */
#if PG_VERSION_NUM < 150000
#define MarkGUCPrefixReserved(prefix) EmitWarningsOnPlaceholders(prefix)
#endif

/* http.c refuses libcurl's own resends with CURLOPT_PREREQFUNCTION (7.80) */
#if LIBCURL_VERSION_NUM < 0x075000
#error "rds_copy needs libcurl 7.80 or later"
#endif

/* CURLOPT_PROTOCOLS_STR arrived in 7.85; the bitmask form is deprecated */
#if LIBCURL_VERSION_NUM >= 0x075500
#define RDS_CURL_SET_PROTOCOLS(h, allow_http) \
	curl_easy_setopt((h), CURLOPT_PROTOCOLS_STR, (allow_http) ? "https,http" : "https")
#else
#define RDS_CURL_SET_PROTOCOLS(h, allow_http) \
	curl_easy_setopt((h), CURLOPT_PROTOCOLS, \
					 (long) ((allow_http) ? (CURLPROTO_HTTPS | CURLPROTO_HTTP) : CURLPROTO_HTTPS))
#endif

#endif
