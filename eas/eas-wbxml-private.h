/* eas-wbxml-private.h — internals shared by the eas-wbxml*.c files. */
#pragma once

#include <glib.h>

#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

/* WBXML 1.3 (WAP-192) global tokens, section 7.1. */
enum {
	EAS_WBXML_TOK_SWITCH_PAGE = 0x00,
	EAS_WBXML_TOK_END = 0x01,
	EAS_WBXML_TOK_ENTITY = 0x02,
	EAS_WBXML_TOK_STR_I = 0x03,
	EAS_WBXML_TOK_LITERAL = 0x04,
	EAS_WBXML_TOK_EXT_I_0 = 0x40,
	EAS_WBXML_TOK_EXT_I_1 = 0x41,
	EAS_WBXML_TOK_EXT_I_2 = 0x42,
	EAS_WBXML_TOK_PI = 0x43,
	EAS_WBXML_TOK_LITERAL_C = 0x44,
	EAS_WBXML_TOK_EXT_T_0 = 0x80,
	EAS_WBXML_TOK_EXT_T_1 = 0x81,
	EAS_WBXML_TOK_EXT_T_2 = 0x82,
	EAS_WBXML_TOK_STR_T = 0x83,
	EAS_WBXML_TOK_LITERAL_A = 0x84,
	EAS_WBXML_TOK_EXT_0 = 0xC0,
	EAS_WBXML_TOK_EXT_1 = 0xC1,
	EAS_WBXML_TOK_EXT_2 = 0xC2,
	EAS_WBXML_TOK_OPAQUE = 0xC3,
	EAS_WBXML_TOK_LITERAL_AC = 0xC4,
};

#define EAS_WBXML_TAG_CONTENT 0x40
#define EAS_WBXML_TAG_ATTRIBUTES 0x80

/* Appends value as a WBXML mb_u_int32 (WAP-192 5.1). */
void eas_wbxml_append_mb_u_int32 (GByteArray *out, guint32 value);

G_END_DECLS
